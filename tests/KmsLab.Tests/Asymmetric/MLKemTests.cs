using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>
/// ML-KEM keys (FIPS 203) against the SDK's doc text: ENCAPSULATE_DECAPSULATE, EncapsulationAlgorithms
/// ["ML_KEM"], Encapsulate returns a 32-byte shared secret and its ciphertext (768 / 1088 / 1568
/// bytes), Decapsulate recovers it; a ciphertext of the wrong length is InvalidCiphertextException,
/// any other gives 32 bytes (implicit rejection). Checked outside .NET: noble encapsulates to the
/// KMS public key and KMS decapsulates the same secret.
/// </summary>
public class MLKemTests
{
    [SkippableTheory]
    [InlineData("ML_KEM_512", "2.16.840.1.101.3.4.4.1", 768)]
    [InlineData("ML_KEM_768", "2.16.840.1.101.3.4.4.2", 1088)]
    [InlineData("ML_KEM_1024", "2.16.840.1.101.3.4.4.3", 1568)]
    public async Task A_secret_noble_encapsulates_to_the_public_key_decapsulates_in_KMS(string spec, string oid, int ciphertextLength)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, "ENCAPSULATE_DECAPSULATE");
        Assert.Equal(["ML_KEM"], key.EncapsulationAlgorithms);
        Assert.Null(key.EncryptionAlgorithms);
        var pub = await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId });
        Assert.Equal(["ML_KEM"], pub.EncapsulationAlgorithms);
        Assert.Equal(KeyUsageType.ENCAPSULATE_DECAPSULATE, pub.KeyUsage);
        var spki = pub.PublicKey.ToArray();
        using (var openssl = new OpenSsl())
        {
            openssl.Write("pub.der", spki);
            Assert.Contains(":" + oid, openssl.RunOk("asn1parse", "-inform", "DER", "-in", "pub.der"));
        }

        var noble = await Noble.OneAsync(new JsonObject { ["kind"] = "ml-kem-encapsulate", ["spec"] = spec, ["publicKey"] = Noble.B64(spki) });
        var ciphertext = Noble.Bytes(noble, "ciphertext");
        Assert.Equal(ciphertextLength, ciphertext.Length);
        var decapsulated = await lab.Kms.DecapsulateAsync(new DecapsulateRequest { KeyId = key.KeyId, SharedSecretCiphertextBlob = Stream(ciphertext), EncapsulationAlgorithm = EncapsulationAlgorithmSpec.ML_KEM });
        Assert.Equal(Noble.Bytes(noble, "sharedSecret"), decapsulated.SharedSecret.ToArray());
        Assert.Equal(key.Arn, decapsulated.KeyId);
        Assert.Equal(EncapsulationAlgorithmSpec.ML_KEM, decapsulated.EncapsulationAlgorithm);

        var encapsulated = await lab.Kms.EncapsulateAsync(new EncapsulateRequest { KeyId = key.KeyId, EncapsulationAlgorithm = EncapsulationAlgorithmSpec.ML_KEM });
        Assert.Equal(ciphertextLength, encapsulated.SharedSecretCiphertextBlob.Length);
        Assert.Equal(32, encapsulated.SharedSecret.Length);
        var again = await lab.Kms.DecapsulateAsync(new DecapsulateRequest { KeyId = key.Arn, SharedSecretCiphertextBlob = encapsulated.SharedSecretCiphertextBlob, EncapsulationAlgorithm = "ML_KEM" });
        Assert.Equal(encapsulated.SharedSecret.ToArray(), again.SharedSecret.ToArray());
    }

    [Fact]
    public async Task Decapsulate_refuses_a_wrong_length_and_implicitly_rejects_a_foreign_or_altered_ciphertext()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ML_KEM_768", "ENCAPSULATE_DECAPSULATE");
        var other = await lab.CreateKeyAsync("ML_KEM_768", "ENCAPSULATE_DECAPSULATE");
        var e = await lab.Kms.EncapsulateAsync(new EncapsulateRequest { KeyId = key.KeyId, EncapsulationAlgorithm = "ML_KEM" });
        Task<DecapsulateResponse> Decapsulate(string keyId, byte[] ct) =>
            lab.Kms.DecapsulateAsync(new DecapsulateRequest { KeyId = keyId, SharedSecretCiphertextBlob = Stream(ct), EncapsulationAlgorithm = "ML_KEM" });

        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Decapsulate(key.KeyId, e.SharedSecretCiphertextBlob.ToArray()[..768]));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Decapsulate(key.KeyId, [.. e.SharedSecretCiphertextBlob.ToArray(), 0]));
        var altered = e.SharedSecretCiphertextBlob.ToArray();
        altered[10] ^= 1;
        var rejected = await Decapsulate(key.KeyId, altered);
        Assert.Equal(32, rejected.SharedSecret.Length);
        Assert.NotEqual(e.SharedSecret.ToArray(), rejected.SharedSecret.ToArray());
        var foreign = await Decapsulate(other.KeyId, e.SharedSecretCiphertextBlob.ToArray());
        Assert.NotEqual(e.SharedSecret.ToArray(), foreign.SharedSecret.ToArray());
    }

    [Fact]
    public async Task Usages_algorithms_DryRun_and_the_audit_record()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ML_KEM_1024", "ENCAPSULATE_DECAPSULATE");
        var ecc = await lab.CreateKeyAsync("ECC_NIST_P256", "KEY_AGREEMENT");
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.EncapsulateAsync(new EncapsulateRequest { KeyId = ecc.KeyId, EncapsulationAlgorithm = "ML_KEM" }));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream("x") }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.EncapsulateAsync(new EncapsulateRequest { KeyId = key.KeyId }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.EncapsulateAsync(new EncapsulateRequest { KeyId = key.KeyId, EncapsulationAlgorithm = "ML_KEM_768" }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ML_KEM_512 }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ML_KEM_512, KeyUsage = KeyUsageType.SIGN_VERIFY }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.ENCAPSULATE_DECAPSULATE }));
        await Assert.ThrowsAsync<DryRunOperationException>(() => lab.Kms.EncapsulateAsync(new EncapsulateRequest { KeyId = key.KeyId, EncapsulationAlgorithm = "ML_KEM", DryRun = true }));

        var e = await lab.Kms.EncapsulateAsync(new EncapsulateRequest { KeyId = key.KeyId, EncapsulationAlgorithm = "ML_KEM" });
        var d = await lab.Kms.DecapsulateAsync(new DecapsulateRequest { KeyId = key.KeyId, SharedSecretCiphertextBlob = e.SharedSecretCiphertextBlob, EncapsulationAlgorithm = "ML_KEM" });
        var secret = Convert.ToBase64String(d.SharedSecret.ToArray());
        Assert.All(lab.Lab.AuditTrail.Events, ev => Assert.DoesNotContain(secret, ev.ToJson()));
        var grant = await lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = lab.Lab.AdminArn, Operations = [GrantOperation.Encapsulate, GrantOperation.Decapsulate] });
        Assert.NotNull(grant.GrantToken);
        Assert.Equal("Decapsulate", (await lab.Kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId })).KeyLastUsage.Operation.Value);
    }

    [SkippableFact]
    public async Task An_ML_KEM_data_key_pair_has_a_seed_PKCS8_private_key_and_a_public_key_noble_encapsulates_to()
    {
        var lab = new TestLab();
        var wrapping = await lab.CreateKeyAsync();
        var pair = await lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = wrapping.KeyId, KeyPairSpec = DataKeyPairSpec.ML_KEM_768 });
        using var openssl = new OpenSsl();
        openssl.Write("key.der", pair.PrivateKeyPlaintext.ToArray());
        Assert.Contains(":2.16.840.1.101.3.4.4.2", openssl.RunOk("asn1parse", "-inform", "DER", "-in", "key.der"));
        var noble = await Noble.OneAsync(new JsonObject { ["kind"] = "ml-kem-encapsulate", ["spec"] = "ML_KEM_768", ["publicKey"] = Noble.B64(pair.PublicKey.ToArray()) });
        Assert.Equal(1088, Noble.Bytes(noble, "ciphertext").Length);
    }
}
