using System.Formats.Asn1;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>Sign and Verify: RAW and DIGEST messages, every signing algorithm, limits and errors.</summary>
public class SignVerifyTests
{
    private static readonly byte[] Message = "Pay Alice 100 EUR"u8.ToArray();

    public static TheoryData<string, string> SpecsAndAlgorithms => new()
    {
        { "RSA_2048", "RSASSA_PSS_SHA_256" },
        { "RSA_2048", "RSASSA_PSS_SHA_384" },
        { "RSA_2048", "RSASSA_PSS_SHA_512" },
        { "RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256" },
        { "RSA_2048", "RSASSA_PKCS1_V1_5_SHA_384" },
        { "RSA_2048", "RSASSA_PKCS1_V1_5_SHA_512" },
        { "RSA_3072", "RSASSA_PSS_SHA_384" },
        { "RSA_4096", "RSASSA_PKCS1_V1_5_SHA_512" },
        { "ECC_NIST_P256", "ECDSA_SHA_256" },
        { "ECC_NIST_P384", "ECDSA_SHA_384" },
        { "ECC_NIST_P521", "ECDSA_SHA_512" },
        { "ECC_SECG_P256K1", "ECDSA_SHA_256" },
    };

    [Theory]
    [MemberData(nameof(SpecsAndAlgorithms))]
    public async Task Signs_and_verifies_RAW_and_DIGEST_messages_interchangeably(string spec, string algorithm)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, "SIGN_VERIFY");
        var digest = Hash(algorithm, Message);

        var raw = await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = algorithm });
        Assert.Equal(key.Arn, raw.KeyId);
        Assert.Equal(algorithm, raw.SigningAlgorithm.Value);
        var fromDigest = await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(digest), MessageType = MessageType.DIGEST, SigningAlgorithm = algorithm });

        // A message and its digest are the same message: each signature verifies either way.
        foreach (var signature in new[] { raw.Signature.ToArray(), fromDigest.Signature.ToArray() })
        {
            var asRaw = await lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), MessageType = MessageType.RAW, Signature = Stream(signature), SigningAlgorithm = algorithm });
            Assert.True(asRaw.SignatureValid);
            Assert.Equal(key.Arn, asRaw.KeyId);
            Assert.Equal(algorithm, asRaw.SigningAlgorithm.Value);
            var asDigest = await lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.Arn, Message = Stream(digest), MessageType = MessageType.DIGEST, Signature = Stream(signature), SigningAlgorithm = algorithm });
            Assert.True(asDigest.SignatureValid);
        }
    }

    [Theory]
    [MemberData(nameof(SpecsAndAlgorithms))]
    public async Task A_signature_verifies_outside_KMS_with_only_the_DER_public_key(string spec, string algorithm)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, "SIGN_VERIFY");
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = algorithm })).Signature.ToArray();
        var publicKey = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();

        Assert.True(VerifyOutside(publicKey, algorithm, Message, signature));
        Assert.False(VerifyOutside(publicKey, algorithm, "Pay Mallory 100 EUR"u8.ToArray(), signature));
    }

    [Theory]
    [InlineData("ECC_NIST_P256", "ECDSA_SHA_256")]
    [InlineData("ECC_NIST_P521", "ECDSA_SHA_512")]
    [InlineData("ECC_SECG_P256K1", "ECDSA_SHA_256")]
    public async Task ECDSA_signatures_are_DER_sequences_of_r_and_s(string spec, string algorithm)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, "SIGN_VERIFY");
        var a = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = algorithm })).Signature.ToArray();
        var b = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = algorithm })).Signature.ToArray();
        var reader = new AsnReader(a, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        Assert.True(sequence.ReadInteger() > 0);
        Assert.True(sequence.ReadInteger() > 0);
        sequence.ThrowIfNotEmpty();
        reader.ThrowIfNotEmpty();
        Assert.NotEqual(a, b); // ECDSA draws a fresh nonce each time
    }

    [Fact]
    public async Task PKCS1_signatures_are_deterministic_and_PSS_signatures_are_salted_with_the_hash_length()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "SIGN_VERIFY");
        async Task<byte[]> SignAsync(string algorithm) => (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = algorithm })).Signature.ToArray();
        Assert.Equal(await SignAsync("RSASSA_PKCS1_V1_5_SHA_256"), await SignAsync("RSASSA_PKCS1_V1_5_SHA_256"));
        var pss = await SignAsync("RSASSA_PSS_SHA_256");
        Assert.NotEqual(pss, await SignAsync("RSASSA_PSS_SHA_256"));
        Assert.Equal(256, pss.Length);

        // Recover the PSS encoded message with the public key and read the salt length (RFC 8017 §9.1.2).
        var publicKey = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        Assert.Equal(32, PssSaltLength(publicKey, pss));
    }

    [Fact]
    public async Task A_changed_message_signature_algorithm_or_key_fails_with_KMSInvalidSignatureException()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "SIGN_VERIFY");
        var other = await lab.CreateKeyAsync("RSA_2048", "SIGN_VERIFY");
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "RSASSA_PSS_SHA_256" })).Signature.ToArray();

        Task Verify(string keyId, byte[] message, byte[] sig, string algorithm) =>
            lab.Kms.VerifyAsync(new VerifyRequest { KeyId = keyId, Message = Stream(message), Signature = Stream(sig), SigningAlgorithm = algorithm });

        var e = await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => Verify(key.KeyId, "Pay Alice 900 EUR"u8.ToArray(), signature, "RSASSA_PSS_SHA_256"));
        Assert.Equal(400, (int)e.StatusCode);
        var flipped = signature.ToArray();
        flipped[^1] ^= 1;
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => Verify(key.KeyId, Message, flipped, "RSASSA_PSS_SHA_256"));
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => Verify(key.KeyId, Message, signature, "RSASSA_PKCS1_V1_5_SHA_256"));
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => Verify(key.KeyId, Message, signature, "RSASSA_PSS_SHA_384"));
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => Verify(other.KeyId, Message, signature, "RSASSA_PSS_SHA_256"));
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => Verify(key.KeyId, Message, signature[..100], "RSASSA_PSS_SHA_256"));
    }

    [Fact]
    public async Task A_malformed_ECDSA_signature_fails_with_KMSInvalidSignatureException()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "ECDSA_SHA_256" })).Signature.ToArray();
        byte[] notDer = [0x01, 0x02, 0x03];
        byte[] truncated = signature[..^1];
        foreach (var bad in new[] { notDer, truncated, new byte[64] })
        {
            await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(bad), SigningAlgorithm = "ECDSA_SHA_256" }));
        }
    }

    [Theory]
    [InlineData("ECDSA_SHA_256", 31)]
    [InlineData("ECDSA_SHA_256", 33)]
    [InlineData("ECDSA_SHA_256", 48)]
    [InlineData("RSASSA_PSS_SHA_384", 32)]
    [InlineData("RSASSA_PKCS1_V1_5_SHA_512", 48)]
    public async Task A_digest_must_be_exactly_the_hash_length(string algorithm, int length)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(algorithm.StartsWith("ECDSA") ? "ECC_NIST_P256" : "RSA_2048", "SIGN_VERIFY");
        var e = await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(new byte[length]), MessageType = MessageType.DIGEST, SigningAlgorithm = algorithm }));
        Assert.Equal($"Digest is invalid length for algorithm {algorithm}.", e.Message);
        await AssertErrorAsync("ValidationException", () => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(new byte[length]), MessageType = MessageType.DIGEST, Signature = Stream(new byte[8]), SigningAlgorithm = algorithm }));
    }

    [Fact]
    public async Task RAW_messages_are_1_to_4096_bytes()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var big = new byte[4096];
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(big), SigningAlgorithm = "ECDSA_SHA_256" })).Signature;
        Assert.True((await lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(big), Signature = signature, SigningAlgorithm = "ECDSA_SHA_256" })).SignatureValid);

        var e = await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(new byte[4097]), SigningAlgorithm = "ECDSA_SHA_256" }));
        Assert.Equal("1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096", e.Message);
        await AssertErrorAsync("ValidationException", () => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(new byte[4097]), Signature = Stream(new byte[8]), SigningAlgorithm = "ECDSA_SHA_256" }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream([]), SigningAlgorithm = "ECDSA_SHA_256" }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(new byte[6145]), SigningAlgorithm = "ECDSA_SHA_256" }));
    }

    [Fact]
    public async Task Required_members_and_enums_are_validated()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var missing = await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message) }));
        Assert.Contains("'signingAlgorithm'", missing.Message);
        await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, SigningAlgorithm = "ECDSA_SHA_256" }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "ECDSA_SHA_256" }));
        var badEnum = await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "ECDSA_SHA_1" }));
        Assert.Contains("Member must satisfy enum value set", badEnum.Message);
        await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), MessageType = "HASHED", SigningAlgorithm = "ECDSA_SHA_256" }));
        // EXTERNAL_MU is for ML-DSA keys, which KmsLab does not simulate.
        await AssertErrorAsync("ValidationException", () => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(new byte[64]), MessageType = MessageType.EXTERNAL_MU, SigningAlgorithm = "ECDSA_SHA_256" }));
    }

    [Theory]
    [InlineData("ECC_NIST_P256", "ECDSA_SHA_384")]
    [InlineData("ECC_NIST_P384", "ECDSA_SHA_256")]
    [InlineData("ECC_SECG_P256K1", "ECDSA_SHA_512")]
    [InlineData("ECC_NIST_P256", "RSASSA_PSS_SHA_256")]
    [InlineData("RSA_2048", "ECDSA_SHA_256")]
    [InlineData("RSA_2048", "ML_DSA_SHAKE_256")]
    [InlineData("ECC_NIST_P256", "ED25519_SHA_512")]
    public async Task A_signing_algorithm_the_key_spec_does_not_support_is_InvalidKeyUsageException(string spec, string algorithm)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, "SIGN_VERIFY");
        var e = await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = algorithm }));
        Assert.Equal($"Algorithm {algorithm} is incompatible with key spec {spec}.", e.Message);
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(new byte[8]), SigningAlgorithm = algorithm }));
    }

    [Theory]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC")]
    public async Task Keys_without_SIGN_VERIFY_usage_cannot_sign_or_verify(string spec, string usage)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, usage);
        var e = await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "RSASSA_PSS_SHA_256" }));
        Assert.Contains($"key usage is {usage}", e.Message);
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(new byte[8]), SigningAlgorithm = "RSASSA_PSS_SHA_256" }));
    }

    [Fact]
    public async Task Signing_keys_cannot_encrypt_or_decrypt()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "SIGN_VERIFY");
        var e = await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Message), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 }));
        Assert.Contains("SIGN_VERIFY", e.Message);
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = Stream(new byte[256]), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 }));
    }

    [Fact]
    public async Task Signing_follows_the_key_state()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "ECDSA_SHA_256" })).Signature.ToArray();
        await lab.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        var disabled = await Assert.ThrowsAsync<DisabledException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "ECDSA_SHA_256" }));
        Assert.Equal($"{key.Arn} is disabled.", disabled.Message);
        await Assert.ThrowsAsync<DisabledException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(signature), SigningAlgorithm = "ECDSA_SHA_256" }));
        await lab.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "ECDSA_SHA_256" }));
        lab.Lab.Clock.Advance(TimeSpan.FromDays(7));
        await Assert.ThrowsAsync<NotFoundException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = Stream(signature), SigningAlgorithm = "ECDSA_SHA_256" }));
    }

    [Fact]
    public async Task Sign_accepts_aliases_and_honours_DryRun()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ECC_NIST_P384", "SIGN_VERIFY");
        await lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/release-signing", TargetKeyId = key.KeyId });
        var signed = await lab.Kms.SignAsync(new SignRequest { KeyId = "alias/release-signing", Message = Stream(Message), SigningAlgorithm = "ECDSA_SHA_384" });
        Assert.Equal(key.Arn, signed.KeyId);
        await Assert.ThrowsAsync<DryRunOperationException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = "ECDSA_SHA_384", DryRun = true }));
        await Assert.ThrowsAsync<DryRunOperationException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = signed.Signature, SigningAlgorithm = "ECDSA_SHA_384", DryRun = true }));
    }

    internal static byte[] Hash(string algorithm, byte[] message) => algorithm[^3..] switch
    {
        "256" => SHA256.HashData(message),
        "384" => SHA384.HashData(message),
        _ => SHA512.HashData(message),
    };

    internal static HashAlgorithmName HashName(string algorithm) => algorithm[^3..] switch
    {
        "256" => HashAlgorithmName.SHA256,
        "384" => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    /// <summary>Verifies as a relying party does: .NET, the DER public key and the algorithm's name, nothing from KmsLab.</summary>
    internal static bool VerifyOutside(byte[] subjectPublicKeyInfo, string algorithm, byte[] message, byte[] signature)
    {
        if (algorithm.StartsWith("ECDSA", StringComparison.Ordinal))
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return ecdsa.VerifyData(message, signature, HashName(algorithm), DSASignatureFormat.Rfc3279DerSequence);
        }
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        var padding = algorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return rsa.VerifyData(message, signature, HashName(algorithm), padding);
    }

    /// <summary>
    /// RFC 8017 §9.1.2 by hand, for SHA-256 and a 2048-bit key: m = s^e mod n, EM = m, then
    /// DB = maskedDB ⊕ MGF1(H), DB = PS ‖ 0x01 ‖ salt. Returns the salt length.
    /// </summary>
    private static int PssSaltLength(byte[] subjectPublicKeyInfo, byte[] signature)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        var p = rsa.ExportParameters(false);
        var n = new System.Numerics.BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
        var e = new System.Numerics.BigInteger(p.Exponent, isUnsigned: true, isBigEndian: true);
        var s = new System.Numerics.BigInteger(signature, isUnsigned: true, isBigEndian: true);
        var m = System.Numerics.BigInteger.ModPow(s, e, n).ToByteArray(isUnsigned: true, isBigEndian: true);
        var em = new byte[256 - m.Length].Concat(m).ToArray(); // emLen = 256 for emBits = 2047
        Assert.Equal(0xbc, em[^1]);
        int hLen = 32, dbLen = em.Length - hLen - 1;
        var h = em.AsSpan(dbLen, hLen).ToArray();
        var mask = new List<byte>();
        for (uint counter = 0; mask.Count < dbLen; counter++)
        {
            mask.AddRange(SHA256.HashData([.. h, (byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter]));
        }
        var db = new byte[dbLen];
        for (int i = 0; i < dbLen; i++) db[i] = (byte)(em[i] ^ mask[i]);
        db[0] &= 0x7f;
        int one = Array.IndexOf(db, (byte)1);
        Assert.True(db.AsSpan(0, one).IndexOfAnyExcept((byte)0) < 0);
        return dbLen - one - 1;
    }
}
