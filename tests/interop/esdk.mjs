// The AWS Encryption SDK for JavaScript against `kmslab serve`, for the envelope interop tests:
//   node esdk.mjs encrypt ENDPOINT KEY_ARN SUITE IN OUT [k=v ...]   (SUITE: 0478 or 0578)
//   node esdk.mjs decrypt ENDPOINT KEY_ARN IN OUT
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; the KMS keyring takes the
// Region from the key ARN. decrypt prints the message's suite and encryption context as JSON.
import { readFileSync, writeFileSync } from "node:fs";
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, getClient, KmsKeyringNode } from "@aws-crypto/client-node";
import { KMS } from "@aws-sdk/client-kms";

const [command, endpoint, keyArn, ...rest] = process.argv.slice(2);
const clientProvider = getClient(KMS, {
  endpoint,
  maxAttempts: 1,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
});
const keyring = new KmsKeyringNode({ clientProvider, generatorKeyId: keyArn });
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const suites = {
  "0478": AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  "0578": AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
};

if (command === "encrypt") {
  const [suite, input, output, ...pairs] = rest;
  const encryptionContext = Object.fromEntries(pairs.map((p) => p.split("=", 2)));
  const { result } = await encrypt(keyring, readFileSync(input), { suiteId: suites[suite], encryptionContext });
  writeFileSync(output, result);
} else if (command === "decrypt") {
  const [input, output] = rest;
  const { plaintext, messageHeader } = await decrypt(keyring, readFileSync(input));
  writeFileSync(output, plaintext);
  console.log(JSON.stringify({ suiteId: messageHeader.suiteId.toString(16).padStart(4, "0"), encryptionContext: messageHeader.encryptionContext }));
} else {
  console.error("usage: esdk.mjs encrypt|decrypt ...");
  process.exit(2);
}
