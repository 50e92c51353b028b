using System.Security.Cryptography;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>The key material of KEY_AGREEMENT, ML-DSA, Ed25519 and ML-KEM keys survives a state snapshot: the same public key, and it still works.</summary>
public class NewKeySpecSnapshotTests
{
    [Fact]
    public async Task Keys_of_the_new_specs_come_back_from_a_snapshot_with_the_same_key_pairs()
    {
        var before = Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
        var kms = before.CreateKmsClient();
        var specs = new (string Spec, string Usage)[]
        {
            ("ECC_NIST_P256", "KEY_AGREEMENT"), ("ML_DSA_44", "SIGN_VERIFY"), ("ML_DSA_87", "SIGN_VERIFY"),
            ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"), ("ML_KEM_512", "ENCAPSULATE_DECAPSULATE"), ("ML_KEM_1024", "ENCAPSULATE_DECAPSULATE"),
        };
        var keys = new List<(string Id, string Spec, byte[] PublicKey)>();
        foreach (var (spec, usage) in specs)
        {
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = usage })).KeyMetadata;
            keys.Add((key.KeyId, spec, (await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray()));
        }
        var kem = keys.Single(k => k.Spec == "ML_KEM_1024");
        var encapsulated = await kms.EncapsulateAsync(new EncapsulateRequest { KeyId = kem.Id, EncapsulationAlgorithm = "ML_KEM" });
        var message = "kept across a restart"u8.ToArray();
        var ed = keys.Single(k => k.Spec == "ECC_NIST_EDWARDS25519");
        var edSignature = (await kms.SignAsync(new SignRequest { KeyId = ed.Id, Message = Stream(message), SigningAlgorithm = "ED25519_SHA_512" })).Signature.ToArray();

        var after = Lab.Restore(before.Snapshot(), new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
        var restored = after.CreateKmsClient();
        foreach (var (id, spec, publicKey) in keys)
        {
            Assert.Equal(publicKey, (await restored.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = id })).PublicKey.ToArray());
        }
        Assert.Equal(encapsulated.SharedSecret.ToArray(), (await restored.DecapsulateAsync(new DecapsulateRequest { KeyId = kem.Id, SharedSecretCiphertextBlob = encapsulated.SharedSecretCiphertextBlob, EncapsulationAlgorithm = "ML_KEM" })).SharedSecret.ToArray());
        // Ed25519 is deterministic: the same key signs the same message with the same bytes.
        Assert.Equal(edSignature, (await restored.SignAsync(new SignRequest { KeyId = ed.Id, Message = Stream(message), SigningAlgorithm = "ED25519_SHA_512" })).Signature.ToArray());
        var dsa = keys.Single(k => k.Spec == "ML_DSA_87");
        var dsaSignature = (await restored.SignAsync(new SignRequest { KeyId = dsa.Id, Message = Stream(message), SigningAlgorithm = "ML_DSA_SHAKE_256" })).Signature;
        Assert.True((await kms.VerifyAsync(new VerifyRequest { KeyId = dsa.Id, Message = Stream(message), Signature = dsaSignature, SigningAlgorithm = "ML_DSA_SHAKE_256" })).SignatureValid);
        var ecdh = keys.Single(k => k.Spec == "ECC_NIST_P256");
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var request = new DeriveSharedSecretRequest { KeyId = ecdh.Id, KeyAgreementAlgorithm = "ECDH", PublicKey = Stream(peer.ExportSubjectPublicKeyInfo()) };
        var old = (await kms.DeriveSharedSecretAsync(request)).SharedSecret.ToArray();
        request.PublicKey = Stream(peer.ExportSubjectPublicKeyInfo());
        Assert.Equal(old, (await restored.DeriveSharedSecretAsync(request)).SharedSecret.ToArray());
    }
}
