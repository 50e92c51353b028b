using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>
/// ECC_NIST_EDWARDS25519 keys against the SDK's doc text: ED25519_SHA_512 requires MessageType RAW
/// (PureEdDSA), ED25519_PH_SHA_512 requires DIGEST, a SHA-512 digest that KMS hashes again
/// (Ed25519ph, FIPS 186-5 §7.8.1); SPKI OID 1.3.101.112; data key pairs with PKCS#8 private keys.
/// Checked with openssl (PureEdDSA; its 3.0 cannot do Ed25519ph) and noble (both).
/// </summary>
public class Ed25519Tests
{
    private static readonly byte[] Message = "transfer 100 to account 42"u8.ToArray();

    private static async Task<(KeyMetadata Key, byte[] PublicKey)> KeyAsync(TestLab lab)
    {
        var key = await lab.CreateKeyAsync("ECC_NIST_EDWARDS25519", "SIGN_VERIFY");
        var pub = await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId });
        Assert.Equal(["ED25519_SHA_512", "ED25519_PH_SHA_512"], pub.SigningAlgorithms);
        return (key, pub.PublicKey.ToArray());
    }

    [SkippableFact]
    public async Task A_RAW_signature_verifies_with_openssl_pkeyutl_rawin_and_noble()
    {
        var lab = new TestLab();
        var (key, spki) = await KeyAsync(lab);
        Assert.Equal(["ED25519_SHA_512", "ED25519_PH_SHA_512"], key.SigningAlgorithms);
        Assert.Equal(44, spki.Length);
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), MessageType = MessageType.RAW, SigningAlgorithm = SigningAlgorithmSpec.ED25519_SHA_512 })).Signature.ToArray();
        Assert.Equal(64, signature.Length);

        using var openssl = new OpenSsl();
        openssl.Write("pub.der", spki);
        Assert.Contains(":ED25519", openssl.RunOk("asn1parse", "-inform", "DER", "-in", "pub.der")); // OID 1.3.101.112
        openssl.WritePublicKeyPem("pub.pem", spki);
        openssl.Write("msg.bin", Message);
        openssl.Write("sig.bin", signature);
        Assert.Contains("Signature Verified Successfully", openssl.RunOk("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "msg.bin", "-sigfile", "sig.bin"));
        openssl.Write("other.bin", "transfer 900 to account 42"u8.ToArray());
        Assert.NotEqual(0, openssl.Run("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "other.bin", "-sigfile", "sig.bin").ExitCode);

        var noble = await Noble.OneAsync(new JsonObject { ["kind"] = "ed25519-verify", ["publicKey"] = Noble.B64(spki), ["message"] = Noble.B64(Message), ["signature"] = Noble.B64(signature) });
        Assert.True(noble.GetProperty("valid").GetBoolean());
        Assert.True((await lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(signature), SigningAlgorithm = "ED25519_SHA_512" })).SignatureValid);
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream("x"), Signature = Stream(signature), SigningAlgorithm = "ED25519_SHA_512" }));
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(signature[..63]), SigningAlgorithm = "ED25519_SHA_512" }));
    }

    [SkippableFact]
    public async Task An_ED25519_PH_signature_of_a_DIGEST_is_Ed25519ph_of_that_digest_and_verifies_with_noble()
    {
        var lab = new TestLab();
        var (key, spki) = await KeyAsync(lab);
        var digest = SHA512.HashData(Message);
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(digest), MessageType = MessageType.DIGEST, SigningAlgorithm = SigningAlgorithmSpec.ED25519_PH_SHA_512 })).Signature.ToArray();
        Assert.Equal(64, signature.Length);
        // noble's ed25519ph hashes its message with SHA-512 (RFC 8032 PH): given the digest, it checks the doubly hashed form KMS signs.
        var answers = await Noble.RunAsync(
            new JsonObject { ["kind"] = "ed25519-verify", ["prehash"] = true, ["publicKey"] = Noble.B64(spki), ["message"] = Noble.B64(digest), ["signature"] = Noble.B64(signature) },
            new JsonObject { ["kind"] = "ed25519-verify", ["prehash"] = true, ["publicKey"] = Noble.B64(spki), ["message"] = Noble.B64(Message), ["signature"] = Noble.B64(signature) },
            new JsonObject { ["kind"] = "ed25519-verify", ["prehash"] = false, ["publicKey"] = Noble.B64(spki), ["message"] = Noble.B64(digest), ["signature"] = Noble.B64(signature) });
        Assert.True(answers[0].GetProperty("valid").GetBoolean());
        Assert.False(answers[1].GetProperty("valid").GetBoolean());
        Assert.False(answers[2].GetProperty("valid").GetBoolean());
        Assert.True((await lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(digest), MessageType = MessageType.DIGEST, Signature = Stream(signature), SigningAlgorithm = "ED25519_PH_SHA_512" })).SignatureValid);
    }

    [Fact]
    public async Task The_two_algorithms_take_only_their_own_message_type()
    {
        // "ED25519_SHA_512 signing algorithm requires KMS MessageType:RAW; ED25519_PH_SHA_512 ... requires MessageType:DIGEST."
        var lab = new TestLab();
        var (key, _) = await KeyAsync(lab);
        var digest = SHA512.HashData(Message);
        Task Sign(byte[] m, string type, string alg) => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(m), MessageType = type, SigningAlgorithm = alg });
        await AssertErrorAsync("ValidationException", () => Sign(digest, "DIGEST", "ED25519_SHA_512"));
        await AssertErrorAsync("ValidationException", () => Sign(Message, "RAW", "ED25519_PH_SHA_512"));
        await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "ED25519_PH_SHA_512" })); // MessageType defaults to RAW
        await AssertErrorAsync("ValidationException", () => Sign(SHA256.HashData(Message), "DIGEST", "ED25519_PH_SHA_512"));
        await AssertErrorAsync("ValidationException", () => Sign(new byte[64], "EXTERNAL_MU", "ED25519_SHA_512"));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => Sign(Message, "RAW", "ECDSA_SHA_512"));
    }

    [Fact]
    public async Task A_data_key_pair_has_an_RFC_8410_PKCS8_private_key_that_openssl_signs_with()
    {
        var lab = new TestLab();
        var wrapping = await lab.CreateKeyAsync();
        var pair = await lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = wrapping.KeyId, KeyPairSpec = DataKeyPairSpec.ECC_NIST_EDWARDS25519 });
        Assert.Equal(DataKeyPairSpec.ECC_NIST_EDWARDS25519, pair.KeyPairSpec);
        var privateKey = pair.PrivateKeyPlaintext.ToArray();
        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = pair.PrivateKeyCiphertextBlob });
        Assert.Equal(privateKey, decrypted.Plaintext.ToArray());

        using var openssl = new OpenSsl();
        openssl.Write("key.der", privateKey);
        openssl.WritePublicKeyPem("pub.pem", pair.PublicKey.ToArray());
        openssl.Write("msg.bin", Message);
        openssl.RunOk("pkeyutl", "-sign", "-keyform", "DER", "-inkey", "key.der", "-rawin", "-in", "msg.bin", "-out", "sig.bin");
        Assert.Contains("Signature Verified Successfully", openssl.RunOk("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "msg.bin", "-sigfile", "sig.bin"));
        // The private key's public half is the pair's public key.
        openssl.RunOk("pkey", "-inform", "DER", "-in", "key.der", "-pubout", "-outform", "DER", "-out", "derived.der");
        Assert.Equal(pair.PublicKey.ToArray(), openssl.Read("derived.der"));

        var without = await lab.Kms.GenerateDataKeyPairWithoutPlaintextAsync(new GenerateDataKeyPairWithoutPlaintextRequest { KeyId = wrapping.KeyId, KeyPairSpec = DataKeyPairSpec.ECC_NIST_EDWARDS25519 });
        Assert.Equal(44, without.PublicKey.Length);
        Assert.Equal(48, (await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = without.PrivateKeyCiphertextBlob })).Plaintext.Length);
    }
}
