#!/usr/bin/env python3
"""Dev-time generator of known-answer vectors, independent of the C# code (not run by the tests).

Written from the AWS Encryption SDK specification (data-format/*.md, framework/algorithm-suites.md,
framework/transitive-requirements.md) with python3 `cryptography` only. It emits:
  - hkdf: encryption key and commit key for fixed data keys and message IDs;
  - publicKeys: P-384 points in the compressed form the signed suite stores in the context;
  - messages: whole messages (both suites) whose data key is given, wrapped by a trivial
    "test-raw" provider (the encrypted data key IS the data key), for the decryptor to read.
Run:  python3 make-python-vectors.py > python-vectors.json
"""
import base64, json, struct
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.hmac import HMAC


def hkdf_keys(suite, data_key, message_id):
    # transitive-requirements.md: one extract (salt = message ID), two expands.
    prk_hmac = HMAC(message_id, hashes.SHA512()); prk_hmac.update(data_key); prk = prk_hmac.finalize()
    enc = HKDFExpand(hashes.SHA512(), 32, struct.pack(">H", suite) + b"DERIVEKEY").derive(prk)
    commit = HKDFExpand(hashes.SHA512(), 32, b"COMMITKEY").derive(prk)
    # cross-check against the one-shot HKDF
    assert enc == HKDF(hashes.SHA512(), 32, message_id, struct.pack(">H", suite) + b"DERIVEKEY").derive(data_key)
    assert commit == HKDF(hashes.SHA512(), 32, message_id, b"COMMITKEY").derive(data_key)
    return enc, commit


def u16(n): return struct.pack(">H", n)
def u32(n): return struct.pack(">I", n)


def serialize_context(ctx):
    if not ctx:
        return b""
    pairs = sorted(((k.encode("utf-8"), v.encode("utf-8")) for k, v in ctx.items()), key=lambda p: p[0])
    out = u16(len(pairs))
    for k, v in pairs:
        out += u16(len(k)) + k + u16(len(v)) + v
    return out


def compressed(pub):
    return pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


def build_message(suite, data_key, message_id, frame_length, plaintext, context, signing_key=None):
    enc, commit = hkdf_keys(suite, data_key, message_id)
    ctx = dict(context)
    if suite == 0x0578:
        ctx["aws-crypto-public-key"] = base64.b64encode(compressed(signing_key.public_key())).decode()
    ser = serialize_context(ctx)
    edks = u16(1) + u16(8) + b"test-raw" + u16(3) + b"key" + u16(len(data_key)) + data_key
    body = bytes([2]) + u16(suite) + message_id + u16(len(ser)) + ser + edks + bytes([2]) + u32(frame_length) + commit
    aes = AESGCM(enc)
    header = body + aes.encrypt(b"\x00" * 12, b"", body)  # tag only
    out = header
    seq = 1
    pos = 0
    n = len(plaintext)
    while True:
        remaining = n - pos
        iv = b"\x00" * 8 + u32(seq)
        if remaining > frame_length:  # a regular frame needs at least one byte after it
            chunk = plaintext[pos:pos + frame_length]
            aad = message_id + b"AWSKMSEncryptionClient Frame" + u32(seq) + struct.pack(">Q", len(chunk))
            ct = aes.encrypt(iv, chunk, aad)
            out += u32(seq) + iv + ct
            pos += frame_length; seq += 1
        else:
            chunk = plaintext[pos:]
            aad = message_id + b"AWSKMSEncryptionClient Final Frame" + u32(seq) + struct.pack(">Q", len(chunk))
            ct = aes.encrypt(iv, chunk, aad)
            out += u32(0xFFFFFFFF) + u32(seq) + iv + u32(len(chunk)) + ct
            break
    if suite == 0x0578:
        h = hashes.Hash(hashes.SHA384()); h.update(out); digest = h.finalize()
        sig = signing_key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA384())))
        out += u16(len(sig)) + sig
    return out, ctx


def main():
    hkdf = []
    for i, suite in enumerate([0x0478, 0x0578, 0x0478]):
        data_key = bytes((i * 31 + j) & 0xFF for j in range(32))
        message_id = bytes((i * 17 + 5 * j + 1) & 0xFF for j in range(32))
        enc, commit = hkdf_keys(suite, data_key, message_id)
        hkdf.append({"suite": suite, "dataKey": data_key.hex(), "messageId": message_id.hex(),
                     "encryptionKey": enc.hex(), "commitKey": commit.hex()})

    public_keys = []
    for d in [1, 2, 3, 0xC0FFEE, 2**300 + 12345]:
        priv = ec.derive_private_key(d, ec.SECP384R1())
        nums = priv.public_key().public_numbers()
        public_keys.append({"compressed": base64.b64encode(compressed(priv.public_key())).decode(),
                            "x": nums.x.to_bytes(48, "big").hex(), "y": nums.y.to_bytes(48, "big").hex()})

    messages = []
    signer = ec.derive_private_key(0x5EED5EED5EED, ec.SECP384R1())
    cases = [
        ("py-unsigned-3-frames", 0x0478, 16, 40, {"purpose": "kat", "b": "2", "a": "1"}),
        ("py-unsigned-exact", 0x0478, 16, 32, {}),
        ("py-unsigned-empty", 0x0478, 4096, 0, {"x": "y"}),
        ("py-signed-3-frames", 0x0578, 16, 40, {"purpose": "kat"}),
        ("py-signed-single", 0x0578, 4096, 100, {}),
    ]
    for i, (name, suite, frame_length, length, context) in enumerate(cases):
        data_key = bytes((0xA0 + i + j) & 0xFF for j in range(32))
        message_id = bytes((0x30 + 3 * i + j) & 0xFF for j in range(32))
        plaintext = bytes((j * 13 + i) & 0xFF for j in range(length))
        msg, ctx = build_message(suite, data_key, message_id, frame_length, plaintext, context, signer)
        messages.append({"name": name, "suite": suite, "frameLength": frame_length, "dataKey": data_key.hex(),
                         "plaintext": plaintext.hex(), "encryptionContext": ctx,
                         "message": base64.b64encode(msg).decode()})

    print(json.dumps({"generator": "make-python-vectors.py (python3 cryptography)", "hkdf": hkdf,
                      "publicKeys": public_keys, "messages": messages}, indent=2))


if __name__ == "__main__":
    main()
