#!/usr/bin/env bash
# A multi-Region key with the aws CLI against `kmslab serve`, in two phases (the test moves the
# lab's clock between them, so the replica finishes Creating without anyone sleeping):
#   multi-region.sh create       create a primary in us-east-1 and replicate it to eu-west-1
#   multi-region.sh use KEY_ID   encrypt in us-east-1, decrypt in eu-west-1, rotate on the primary
# Run with `aws` first on PATH, the lab's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
# and ENDPOINT set to the server's URL. Prints KEY=value lines the test checks.
set -euo pipefail
E="--endpoint-url ${ENDPOINT:?set ENDPOINT to the kmslab serve URL}"
EAST="--region us-east-1"
WEST="--region eu-west-1"

case "${1:?create or use}" in
create)
    echo "VERSION=$(aws --version 2>&1)"
    KEY_ID=$(aws kms create-key --multi-region --description "DR key" --query KeyMetadata.KeyId --output text $EAST $E)
    echo "KEY_ID=$KEY_ID"
    aws kms replicate-key --key-id "$KEY_ID" --replica-region eu-west-1 --description "DR key, Ireland" $EAST $E > replica.json
    echo "REPLICA_STATE=$(sed -n 's/.*"KeyState": "\([^"]*\)".*/\1/p' replica.json)"
    echo "REPLICA_TYPE=$(sed -n 's/.*"MultiRegionKeyType": "\([^"]*\)".*/\1/p' replica.json)"
    ;;
use)
    KEY_ID="${2:?key id}"
    printf 'fail over to Ireland' > plain.txt
    aws kms encrypt --key-id "$KEY_ID" --plaintext fileb://plain.txt --output text --query CiphertextBlob $EAST $E | base64 --decode > plain.enc
    aws kms decrypt --ciphertext-blob fileb://plain.enc --output text --query Plaintext $WEST $E | base64 --decode > plain.dec
    cmp plain.txt plain.dec && echo "DECRYPTED_IN_WEST=identical"
    echo "DECRYPT_KEY=$(aws kms decrypt --ciphertext-blob fileb://plain.enc --output text --query KeyId $WEST $E)"
    echo "WEST_STATE=$(aws kms describe-key --key-id "$KEY_ID" --query KeyMetadata.KeyState --output text $WEST $E)"
    echo "WEST_PRIMARY=$(aws kms describe-key --key-id "$KEY_ID" --query KeyMetadata.MultiRegionConfiguration.PrimaryKey.Region --output text $WEST $E)"
    aws kms rotate-key-on-demand --key-id "$KEY_ID" $EAST $E > /dev/null
    echo "EAST_MATERIAL=$(aws kms describe-key --key-id "$KEY_ID" --query KeyMetadata.CurrentKeyMaterialId --output text $EAST $E)"
    echo "WEST_MATERIAL=$(aws kms describe-key --key-id "$KEY_ID" --query KeyMetadata.CurrentKeyMaterialId --output text $WEST $E)"
    echo "WEST_ROTATIONS=$(aws kms list-key-rotations --key-id "$KEY_ID" --query 'length(Rotations)' --output text $WEST $E)"
    if aws kms rotate-key-on-demand --key-id "$KEY_ID" $WEST $E 2> refused.txt; then echo "REPLICA_ROTATION=accepted"; else echo "REPLICA_ROTATION=$(sed -n 's/.*(\([A-Za-z]*Exception\)).*/\1/p' refused.txt)"; fi
    echo "DONE"
    ;;
esac
