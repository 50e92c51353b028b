using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>
/// ML-DSA keys (FIPS 204) against the SDK's doc text: SIGN_VERIFY, ML_DSA_SHAKE_256, MessageType RAW
/// (pure ML-DSA, empty context) or EXTERNAL_MU (the 64-byte representative μ), SPKI with the NIST
/// OIDs. Every signature is checked outside .NET by noble (@noble/post-quantum).
/// </summary>
public class MLDsaTests
{
    private static readonly byte[] Message = "firmware v7 image digest follows"u8.ToArray();

    [SkippableTheory]
    [InlineData("ML_DSA_44", "2.16.840.1.101.3.4.3.17", 2420)]
    [InlineData("ML_DSA_65", "2.16.840.1.101.3.4.3.18", 3309)]
    [InlineData("ML_DSA_87", "2.16.840.1.101.3.4.3.19", 4627)]
    public async Task A_RAW_signature_verifies_with_noble_and_the_public_key_has_the_NIST_OID(string spec, string oid, int signatureLength)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, "SIGN_VERIFY");
        Assert.Equal(["ML_DSA_SHAKE_256"], key.SigningAlgorithms);
        var pub = await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId });
        Assert.Equal(["ML_DSA_SHAKE_256"], pub.SigningAlgorithms);
        Assert.Equal(spec, pub.KeySpec.Value);
        var spki = pub.PublicKey.ToArray();
        using (var openssl = new OpenSsl())
        {
            openssl.Write("pub.der", spki);
            var asn1 = openssl.RunOk("asn1parse", "-inform", "DER", "-in", "pub.der");
            Assert.Contains(":" + oid, asn1);
        }

        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 })).Signature.ToArray();
        Assert.Equal(signatureLength, signature.Length);
        var tampered = (byte[])Message.Clone();
        tampered[0] ^= 1;
        var answers = await Noble.RunAsync(
            new JsonObject { ["kind"] = "ml-dsa-verify", ["spec"] = spec, ["publicKey"] = Noble.B64(spki), ["message"] = Noble.B64(Message), ["signature"] = Noble.B64(signature) },
            new JsonObject { ["kind"] = "ml-dsa-verify", ["spec"] = spec, ["publicKey"] = Noble.B64(spki), ["message"] = Noble.B64(tampered), ["signature"] = Noble.B64(signature) });
        Assert.True(answers[0].GetProperty("valid").GetBoolean());
        Assert.False(answers[1].GetProperty("valid").GetBoolean());

        var verified = await lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(signature), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 });
        Assert.True(verified.SignatureValid);
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(tampered), Signature = Stream(signature), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 }));
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(signature[..100]), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 }));
    }

    [SkippableTheory]
    [InlineData("ML_DSA_44")]
    [InlineData("ML_DSA_87")]
    public async Task An_EXTERNAL_MU_signature_is_the_pure_signature_of_the_message_whose_mu_it_is(string spec)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, "SIGN_VERIFY");
        var spki = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        // mu computed outside .NET (FIPS 204 Algorithm 7 line 6, empty context).
        var mu = Noble.Bytes(await Noble.OneAsync(new JsonObject { ["kind"] = "ml-dsa-mu", ["spec"] = spec, ["publicKey"] = Noble.B64(spki), ["message"] = Noble.B64(Message) }), "mu");
        Assert.Equal(64, mu.Length);

        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(mu), MessageType = MessageType.EXTERNAL_MU, SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 })).Signature.ToArray();
        var answers = await Noble.RunAsync(
            new JsonObject { ["kind"] = "ml-dsa-verify", ["spec"] = spec, ["publicKey"] = Noble.B64(spki), ["message"] = Noble.B64(Message), ["signature"] = Noble.B64(signature) },
            new JsonObject { ["kind"] = "ml-dsa-verify", ["spec"] = spec, ["publicKey"] = Noble.B64(spki), ["message"] = Noble.B64(mu), ["signature"] = Noble.B64(signature), ["externalMu"] = true });
        Assert.True(answers[0].GetProperty("valid").GetBoolean(), "noble's pure ML-DSA verify of the message");
        Assert.True(answers[1].GetProperty("valid").GetBoolean(), "noble's external-mu verify");

        // The same signature verifies in KMS as RAW over the message and as EXTERNAL_MU over mu.
        Assert.True((await lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(signature), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 })).SignatureValid);
        Assert.True((await lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(mu), MessageType = MessageType.EXTERNAL_MU, Signature = Stream(signature), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 })).SignatureValid);
        var raw = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 })).Signature.ToArray();
        Assert.True((await lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(mu), MessageType = MessageType.EXTERNAL_MU, Signature = Stream(raw), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 })).SignatureValid);
        var otherMu = (byte[])mu.Clone();
        otherMu[5] ^= 0x80;
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(otherMu), MessageType = MessageType.EXTERNAL_MU, Signature = Stream(signature), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 }));
    }

    [Fact]
    public async Task Message_types_sizes_algorithms_and_usages_are_checked()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ML_DSA_65", "SIGN_VERIFY");
        Task Sign(byte[] message, string? type, string algorithm = "ML_DSA_SHAKE_256") =>
            lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(message), MessageType = type, SigningAlgorithm = algorithm });

        // "When the value of MessageType is EXTERNAL_MU the length of the Message value must be 64 bytes."
        await AssertErrorAsync("ValidationException", () => Sign(new byte[63], "EXTERNAL_MU"));
        await AssertErrorAsync("ValidationException", () => Sign(new byte[65], "EXTERNAL_MU"));
        await AssertErrorAsync("ValidationException", () => Sign(SHA256.HashData(Message), "DIGEST"));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => Sign(Message, "RAW", "ECDSA_SHA_256"));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => Sign(Message, "RAW", "ED25519_SHA_512"));
        await AssertErrorAsync("ValidationException", () => Sign(new byte[4097], "RAW"));
        Assert.Equal(3309, (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(new byte[4096]), SigningAlgorithm = "ML_DSA_SHAKE_256" })).Signature.Length);

        var ecc = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = ecc.KeyId, Message = Stream(Message), SigningAlgorithm = "ML_DSA_SHAKE_256" }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = ecc.KeyId, Message = Stream(new byte[64]), MessageType = "EXTERNAL_MU", SigningAlgorithm = "ECDSA_SHA_256" }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ML_DSA_44, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT }));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream("x"), EncryptionAlgorithm = "RSAES_OAEP_SHA_256" }));
        await Assert.ThrowsAsync<DryRunOperationException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "ML_DSA_SHAKE_256", DryRun = true }));
    }
}
