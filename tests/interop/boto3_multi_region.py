"""A multi-Region key with boto3 against `kmslab serve`, in two phases (the test moves the lab's
clock between them, so the replica finishes Creating without anyone sleeping):

    python3 boto3_multi_region.py ENDPOINT create
    python3 boto3_multi_region.py ENDPOINT use KEY_ID

Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). Prints one JSON
object the test checks.
"""
import json
import sys

import boto3

endpoint, phase = sys.argv[1], sys.argv[2]
east = boto3.client("kms", endpoint_url=endpoint, region_name="us-east-1")
west = boto3.client("kms", endpoint_url=endpoint, region_name="eu-west-1")
result = {}

if phase == "create":
    key = east.create_key(MultiRegion=True, KeySpec="SYMMETRIC_DEFAULT", Description="boto3 DR key")["KeyMetadata"]
    result["keyId"] = key["KeyId"]
    result["multiRegion"] = key["MultiRegion"]
    result["type"] = key["MultiRegionConfiguration"]["MultiRegionKeyType"]
    replica = east.replicate_key(KeyId=key["KeyId"], ReplicaRegion="eu-west-1", Tags=[{"TagKey": "site", "TagValue": "dublin"}])
    result["replicaArn"] = replica["ReplicaKeyMetadata"]["Arn"]
    result["replicaState"] = replica["ReplicaKeyMetadata"]["KeyState"]
    result["replicaTags"] = replica["ReplicaTags"]
    try:
        west.encrypt(KeyId=key["KeyId"], Plaintext=b"too soon")
        result["whileCreating"] = "accepted"
    except west.exceptions.KMSInvalidStateException as e:
        result["whileCreating"] = e.response["Error"]["Code"]
else:
    key_id = sys.argv[3]
    secret = bytes(range(256))
    blob = east.encrypt(KeyId=key_id, Plaintext=secret, EncryptionContext={"app": "dr"})["CiphertextBlob"]
    decrypted = west.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "dr"})
    result["decryptedInWest"] = decrypted["Plaintext"] == secret
    result["decryptKeyId"] = decrypted["KeyId"]
    config = west.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]
    result["westType"] = config["MultiRegionKeyType"]
    result["replicaRegions"] = [k["Region"] for k in east.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]["ReplicaKeys"]]
    east.rotate_key_on_demand(KeyId=key_id)
    result["eastRotations"] = [r["KeyMaterialId"] for r in east.list_key_rotations(KeyId=key_id)["Rotations"]]
    result["westRotations"] = [r["KeyMaterialId"] for r in west.list_key_rotations(KeyId=key_id)["Rotations"]]
    new_blob = west.encrypt(KeyId=key_id, Plaintext=b"after rotation")["CiphertextBlob"]
    result["newBlobDecryptsInEast"] = east.decrypt(CiphertextBlob=new_blob)["Plaintext"] == b"after rotation"
    try:
        west.enable_key_rotation(KeyId=key_id)
        result["replicaRotation"] = "accepted"
    except west.exceptions.UnsupportedOperationException as e:
        result["replicaRotation"] = e.response["Error"]["Code"]

print(json.dumps(result))
