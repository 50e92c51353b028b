// Dev-time generator of cross-implementation test vectors (not run by the test suite).
// Produces AWS Encryption SDK messages with the official SDK for JavaScript and a RAW AES keyring
// whose wrapping key is fixed, so that the C# tests can unwrap the data key themselves (the KMS
// step is replaced, everything else - header, HKDF, commitment, frames, signature - is the SDK's).
//
//   mkdir /tmp/esdkjs && cd /tmp/esdkjs && npm install @aws-crypto/client-node@5.0.2
//   NODE_PATH=/tmp/esdkjs/node_modules node make-js-vectors.js > js-vectors.json
const {
  buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier,
  RawAesKeyringNode, RawAesWrappingSuiteIdentifier,
} = require('@aws-crypto/client-node')

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
const wrappingKeyHex = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
// an isolated buffer, as the SDK requires (the keyring takes it over and may zero it)
const wrappingKey = new Uint8Array(Buffer.from(wrappingKeyHex, 'hex'))
const keyNamespace = 'kmslab-test'
const keyName = 'raw-aes-256'

function plaintextOf (n) {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 0xff
  return b
}

const cases = [
  { name: 'committed-unsigned-multi-frame', suite: 0x0478, frameLength: 64, length: 200, context: { purpose: 'test', 'a-key': 'a value' } },
  { name: 'committed-unsigned-exact-multiple', suite: 0x0478, frameLength: 32, length: 96, context: {} },
  { name: 'committed-unsigned-empty', suite: 0x0478, frameLength: 4096, length: 0, context: { x: 'y' } },
  { name: 'committed-signed-multi-frame', suite: 0x0578, frameLength: 64, length: 200, context: { purpose: 'test', 'ünïcode-κλειδί': 'välue ✓' } },
  { name: 'committed-signed-default-frame', suite: 0x0578, frameLength: 4096, length: 5000, context: { department: 'finance' } },
  { name: 'committed-signed-empty', suite: 0x0578, frameLength: 4096, length: 0, context: {} },
]

async function main () {
  const keyring = new RawAesKeyringNode({
    keyName, keyNamespace, unencryptedMasterKey: wrappingKey,
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  })
  const out = { generator: '@aws-crypto/client-node 5.0.2, RawAesKeyringNode', wrappingKey: wrappingKeyHex, keyNamespace, keyName, vectors: [] }
  for (const c of cases) {
    const plaintext = plaintextOf(c.length)
    const { result } = await encrypt(keyring, plaintext, {
      encryptionContext: c.context, suiteId: c.suite, frameLength: c.frameLength,
    })
    const check = await decrypt(keyring, result)
    if (!check.plaintext.equals(plaintext)) throw new Error('self-check failed for ' + c.name)
    out.vectors.push({ name: c.name, suite: c.suite, frameLength: c.frameLength, plaintextLength: c.length,
      encryptionContext: c.context, message: result.toString('base64') })
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n')
}
main().catch(e => { console.error(e); process.exit(1) })
