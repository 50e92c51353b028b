// Dev-time interop check (not run by the test suite): decrypts, with the official AWS Encryption
// SDK for JavaScript, the messages that EnvelopeKnownAnswerTests writes when KMSLAB_INTEROP_OUT is set.
//   KMSLAB_INTEROP_OUT=/tmp/interop dotnet test tests/KmsLab.Tests --filter Our_messages_use_the_same_wrapping
//   NODE_PATH=/tmp/esdkjs/node_modules node check-js-decrypt.js /tmp/interop
const fs = require('fs'); const path = require('path')
const { buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } = require('@aws-crypto/client-node')
const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, 'js-vectors.json')))
async function main () {
  const dir = process.argv[2]
  let n = 0
  for (const file of fs.readdirSync(dir).filter(f => f.startsWith('kmslab-'))) {
    const keyring = new RawAesKeyringNode({ keyName: vectors.keyName, keyNamespace: vectors.keyNamespace,
      unencryptedMasterKey: new Uint8Array(Buffer.from(vectors.wrappingKey, 'hex')),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING })
    const { plaintext, messageHeader } = await decrypt(keyring, fs.readFileSync(path.join(dir, file)))
    const length = Number(file.split('-')[3].split('.')[0])
    for (let i = 0; i < length; i++) if (plaintext[i] !== ((i * 7 + 3) & 0xff)) throw new Error(file + ': wrong plaintext')
    if (plaintext.length !== length || messageHeader.encryptionContext['written-by'] !== 'kmslab') throw new Error(file + ': wrong length or context')
    console.log('ok', file, 'suite 0x' + messageHeader.suiteId.toString(16), plaintext.length, 'bytes'); n++
  }
  if (n === 0) throw new Error('no messages found')
}
main().catch(e => { console.error(e); process.exit(1) })
