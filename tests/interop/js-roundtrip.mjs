// An AWS SDK for JavaScript v3 round trip against `kmslab serve`: node js-roundtrip.mjs ENDPOINT
// Credentials and Region come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_REGION). Prints one JSON object the test checks; exits non-zero on a failed check.
import {
  KMSClient, CreateKeyCommand, CreateAliasCommand, EncryptCommand, DecryptCommand,
  GenerateDataKeyCommand, EnableKeyRotationCommand, GetKeyRotationStatusCommand,
  ReEncryptCommand, DescribeKeyCommand, NotFoundException, InvalidCiphertextException,
} from "@aws-sdk/client-kms";

const endpoint = process.argv[2];
const kms = new KMSClient({ endpoint, maxAttempts: 1 });
const result = {};

const key = (await kms.send(new CreateKeyCommand({ Description: "js key" }))).KeyMetadata;
result.keyState = key.KeyState;
await kms.send(new CreateAliasCommand({ AliasName: "alias/js", TargetKeyId: key.KeyId }));

const secret = new Uint8Array(1024).map((_, i) => i % 256);
const context = { purpose: "interop", client: "js" };
const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: "alias/js", Plaintext: secret, EncryptionContext: context }));
const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
result.decryptedIdentical = Buffer.from(decrypted.Plaintext).equals(Buffer.from(secret));
result.decryptKeyId = decrypted.KeyId;

try {
  await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { purpose: "other" } }));
  result.wrongContext = "accepted";
} catch (e) {
  result.wrongContext = e instanceof InvalidCiphertextException ? "InvalidCiphertextException" : `${e.name}: ${e.message}`;
}
try {
  await kms.send(new DescribeKeyCommand({ KeyId: "alias/does-not-exist" }));
  result.missingAlias = "found";
} catch (e) {
  result.missingAlias = e instanceof NotFoundException ? "NotFoundException" : `${e.name}: ${e.message}`;
}

const second = (await kms.send(new CreateKeyCommand({ Description: "js key 2" }))).KeyMetadata;
const re = await kms.send(new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: context, DestinationKeyId: second.Arn }));
result.reEncryptedTo = re.KeyId;
const redecrypted = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob }));
result.reDecryptedIdentical = Buffer.from(redecrypted.Plaintext).equals(Buffer.from(secret));

const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: "AES_256" }));
result.dataKeyBytes = dataKey.Plaintext.length;

await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
result.rotation = (await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled;

console.log(JSON.stringify(result));
process.exit(result.decryptedIdentical && result.reDecryptedIdentical ? 0 : 1);
