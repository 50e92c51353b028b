using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;

namespace KmsLab.Tests.Asymmetric;

/// <summary>Offline ML-DSA verification with the public key alone, as lesson 13 and its exercise use it.</summary>
public sealed class PostQuantumSignaturesTests
{
    private readonly TestLab _t = new();

    [Theory]
    [InlineData("ML_DSA_44")]
    [InlineData("ML_DSA_65")]
    [InlineData("ML_DSA_87")]
    public async Task A_KMS_signature_verifies_offline_and_a_changed_message_or_signature_does_not(string spec)
    {
        var key = (await _t.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        var publicKey = (await _t.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        var message = "firmware 2.1 manifest"u8.ToArray();
        var signature = (await _t.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(message), SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 })).Signature.ToArray();

        Assert.True(PostQuantumSignatures.VerifyMLDsa(publicKey, message, signature));
        Assert.False(PostQuantumSignatures.VerifyMLDsa(publicKey, "firmware 2.2 manifest"u8.ToArray(), signature));
        signature[10] ^= 1;
        Assert.False(PostQuantumSignatures.VerifyMLDsa(publicKey, message, signature));
    }

    [Fact]
    public async Task A_key_that_is_not_ML_DSA_or_bytes_that_are_no_key_are_refused_with_what_they_are()
    {
        var ecc = (await _t.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        var eccPublic = (await _t.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = ecc.KeyId })).PublicKey.ToArray();
        Assert.Contains("not an ML-DSA key", Assert.Throws<ArgumentException>(() => PostQuantumSignatures.VerifyMLDsa(eccPublic, [1], [1])).Message, StringComparison.Ordinal);
        Assert.Contains("Not a DER SubjectPublicKeyInfo", Assert.Throws<ArgumentException>(() => PostQuantumSignatures.VerifyMLDsa([1, 2, 3], [1], [1])).Message, StringComparison.Ordinal);
    }
}
