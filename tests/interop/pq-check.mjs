// Independent checks of KmsLab's ML-DSA, ML-KEM and Ed25519(ph) with noble (@noble/post-quantum,
// @noble/curves): node pq-check.mjs REQUESTS.json. The file holds an array of checks, binary values
// in base64; public keys are the DER SubjectPublicKeyInfo that GetPublicKey returns. Prints one JSON
// array of answers, in order. Nothing here uses .NET or BouncyCastle.
import { readFileSync } from "node:fs";
import { ml_dsa44, ml_dsa65, ml_dsa87 } from "@noble/post-quantum/ml-dsa.js";
import { ml_kem512, ml_kem768, ml_kem1024 } from "@noble/post-quantum/ml-kem.js";
import { ed25519, ed25519ph } from "@noble/curves/ed25519.js";
import { shake256 } from "@noble/hashes/sha3.js";

const dsa = { ML_DSA_44: ml_dsa44, ML_DSA_65: ml_dsa65, ML_DSA_87: ml_dsa87 };
const kem = { ML_KEM_512: ml_kem512, ML_KEM_768: ml_kem768, ML_KEM_1024: ml_kem1024 };
const b = (s) => new Uint8Array(Buffer.from(s, "base64"));
const s64 = (u) => Buffer.from(u).toString("base64");

// The raw public key inside a SubjectPublicKeyInfo: the BIT STRING's bytes after its unused-bits octet,
// which are the SPKI's last `length` bytes.
function raw(spki, length) {
  if (spki[spki.length - length - 1] !== 0) throw new Error("the SPKI's BIT STRING does not end with a raw key of " + length + " bytes");
  return spki.slice(spki.length - length);
}

const answers = [];
for (const c of JSON.parse(readFileSync(process.argv[2], "utf8"))) {
  switch (c.kind) {
    case "ml-dsa-verify": {
      const alg = dsa[c.spec];
      const pk = raw(b(c.publicKey), alg.lengths.publicKey);
      const valid = c.externalMu
        ? alg.internal.verify(b(c.signature), b(c.message), pk, { externalMu: true })
        : alg.verify(b(c.signature), b(c.message), pk);
      answers.push({ valid, signatureLength: b(c.signature).length });
      break;
    }
    case "ml-dsa-mu": {
      // FIPS 204 Algorithm 7 line 6 for pure ML-DSA with an empty context: mu = H(H(pk, 64) || 0 || 0 || M, 64).
      const pk = raw(b(c.publicKey), dsa[c.spec].lengths.publicKey);
      const tr = shake256(pk, { dkLen: 64 });
      const mu = shake256(new Uint8Array([...tr, 0, 0, ...b(c.message)]), { dkLen: 64 });
      answers.push({ mu: s64(mu) });
      break;
    }
    case "ml-kem-encapsulate": {
      const alg = kem[c.spec];
      const { cipherText, sharedSecret } = alg.encapsulate(raw(b(c.publicKey), alg.lengths.publicKey));
      answers.push({ ciphertext: s64(cipherText), sharedSecret: s64(sharedSecret) });
      break;
    }
    case "ed25519-verify": {
      const alg = c.prehash ? ed25519ph : ed25519;
      answers.push({ valid: alg.verify(b(c.signature), b(c.message), raw(b(c.publicKey), 32)) });
      break;
    }
    default:
      throw new Error("unknown check " + c.kind);
  }
}
console.log(JSON.stringify(answers));
