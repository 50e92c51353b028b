"""A boto3 round trip against `kmslab serve`: python3 boto3_roundtrip.py ENDPOINT.

Credentials and Region come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_DEFAULT_REGION). Prints one JSON object the test checks; exits non-zero on a failed check.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
kms = boto3.client("kms", endpoint_url=endpoint)
result = {"boto3": boto3.__version__}

key = kms.create_key(Description="boto3 key", Tags=[{"TagKey": "team", "TagValue": "blue"}])["KeyMetadata"]
result["keyState"] = key["KeyState"]
kms.create_alias(AliasName="alias/boto3", TargetKeyId=key["KeyId"])

secret = bytes(range(256)) * 4
context = {"purpose": "interop", "client": "boto3"}
blob = kms.encrypt(KeyId="alias/boto3", Plaintext=secret, EncryptionContext=context)["CiphertextBlob"]
decrypted = kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)
result["decryptedIdentical"] = decrypted["Plaintext"] == secret
result["decryptKeyId"] = decrypted["KeyId"]

try:
    kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "other"})
    result["wrongContext"] = "accepted"
except kms.exceptions.InvalidCiphertextException:
    result["wrongContext"] = "InvalidCiphertextException"

try:
    kms.describe_key(KeyId="alias/does-not-exist")
    result["missingAlias"] = "found"
except kms.exceptions.NotFoundException as e:
    result["missingAlias"] = e.response["Error"]["Code"]

data_key = kms.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256")
result["dataKeyBytes"] = len(data_key["Plaintext"])
result["dataKeyDecrypts"] = kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]

kms.enable_key_rotation(KeyId=key["KeyId"])
result["rotation"] = kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"]
kms.rotate_key_on_demand(KeyId=key["KeyId"])
result["rotations"] = len(kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"])
result["oldBlobStillDecrypts"] = kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == secret

# Predefined AWS aliases (alias/aws/*) are listed without a TargetKeyId, as AWS does.
result["aliases"] = sorted(a["AliasName"] for a in kms.list_aliases()["Aliases"] if "TargetKeyId" in a)
result["tags"] = kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]

print(json.dumps(result))
ok = result["decryptedIdentical"] and result["dataKeyDecrypts"] and result["oldBlobStillDecrypts"]
sys.exit(0 if ok else 1)
