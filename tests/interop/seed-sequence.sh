#!/usr/bin/env bash
# The course's opening aws CLI sequence, verbatim but for --endpoint-url, against `kmslab serve`.
# Run in a scratch folder that holds secret.txt, with `aws` (v1 or v2) first on PATH, the lab's
# credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_DEFAULT_REGION, and ENDPOINT set
# to the server's URL. Prints KEY=value lines that the test checks; exits non-zero on any failure.
set -euo pipefail
E="--endpoint-url ${ENDPOINT:?set ENDPOINT to the kmslab serve URL}"

echo "VERSION=$(aws --version 2>&1)"

# Create a CMK and give it an alias
KEY_ID=$(aws kms create-key --description "my first CMK" --query KeyMetadata.KeyId --output text $E)
aws kms create-alias --alias-name alias/myFirstKey --target-key-id "$KEY_ID" $E
echo "KEY_ID=$KEY_ID"

# Encrypt a file, decrypt it back
aws kms encrypt --key-id alias/myFirstKey --plaintext fileb://secret.txt --output text --query CiphertextBlob $E | base64 --decode > secret.enc
aws kms decrypt --ciphertext-blob fileb://secret.enc --output text --query Plaintext $E | base64 --decode > secret.dec
cmp secret.txt secret.dec && echo "DECRYPTED=identical"

# Re-encrypt under a second CMK, and decrypt that
KEY2_ID=$(aws kms create-key --description "my second CMK" --query KeyMetadata.KeyId --output text $E)
aws kms re-encrypt --ciphertext-blob fileb://secret.enc --destination-key-id "$KEY2_ID" --output text --query CiphertextBlob $E | base64 --decode > secret.reenc
echo "REENCRYPTED_KEY=$(aws kms decrypt --ciphertext-blob fileb://secret.reenc --output text --query KeyId $E)"
aws kms decrypt --ciphertext-blob fileb://secret.reenc --output text --query Plaintext $E | base64 --decode > secret.redec
cmp secret.txt secret.redec && echo "REDECRYPTED=identical"

# Enable rotation and read its status
aws kms enable-key-rotation --key-id "$KEY_ID" $E
echo "ROTATION=$(aws kms get-key-rotation-status --key-id "$KEY_ID" --query KeyRotationEnabled --output text $E)"

# Generate an AES_256 data key
aws kms generate-data-key --key-id alias/myFirstKey --key-spec AES_256 $E > datakey.json
echo "DATAKEY_BYTES=$(sed -n 's/.*"Plaintext": "\([^"]*\)".*/\1/p' datakey.json | base64 --decode | wc -c)"
echo "DATAKEY_BLOB_KEY=$(sed -n 's/.*"KeyId": "\([^"]*\)".*/\1/p' datakey.json)"
echo "DONE"
