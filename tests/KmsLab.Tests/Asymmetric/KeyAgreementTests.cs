using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>
/// KEY_AGREEMENT keys and DeriveSharedSecret, against the SDK's doc text: NIST-curve keys only,
/// KeyAgreementAlgorithms ["ECDH"], the raw ECDH secret that the peer computes with its own private
/// key and the KMS key's public key (checked with .NET's ECDiffieHellman and with openssl).
/// </summary>
public class KeyAgreementTests
{
    public static TheoryData<string, string> Curves => new() { { "ECC_NIST_P256", "nistP256" }, { "ECC_NIST_P384", "nistP384" }, { "ECC_NIST_P521", "nistP521" } };

    private static ECCurve CurveOf(string friendly) => ECCurve.CreateFromFriendlyName(friendly);

    private static async Task<byte[]> PublicKeyAsync(TestLab lab, string keyId) =>
        (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = keyId })).PublicKey.ToArray();

    private static Task<DeriveSharedSecretResponse> DeriveAsync(IAmazonKeyManagementService kms, string keyId, byte[] peerPublicKey) =>
        kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest { KeyId = keyId, KeyAgreementAlgorithm = KeyAgreementAlgorithmSpec.ECDH, PublicKey = Stream(peerPublicKey) });

    [Theory]
    [MemberData(nameof(Curves))]
    public async Task A_key_agreement_key_lists_ECDH_in_its_metadata_and_public_key(string spec, string _)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, "KEY_AGREEMENT");
        Assert.Equal(KeyUsageType.KEY_AGREEMENT, key.KeyUsage);
        Assert.Equal(["ECDH"], key.KeyAgreementAlgorithms);
        Assert.Null(key.SigningAlgorithms);
        Assert.Null(key.EncryptionAlgorithms);
        var pub = await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId });
        Assert.Equal(["ECDH"], pub.KeyAgreementAlgorithms);
        Assert.Equal(KeyUsageType.KEY_AGREEMENT, pub.KeyUsage);
        Assert.Null(pub.SigningAlgorithms);
        // A signing key of the same spec has no key agreement algorithms.
        var signing = await lab.CreateKeyAsync(spec, "SIGN_VERIFY");
        Assert.Null(signing.KeyAgreementAlgorithms);
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public async Task The_shared_secret_is_what_the_peer_computes_with_NET_ECDiffieHellman(string spec, string curve)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, "KEY_AGREEMENT");
        using var bob = ECDiffieHellman.Create(CurveOf(curve));
        var response = await DeriveAsync(lab.Kms, key.KeyId, bob.ExportSubjectPublicKeyInfo());

        using var alice = ECDiffieHellman.Create();
        alice.ImportSubjectPublicKeyInfo(await PublicKeyAsync(lab, key.KeyId), out _);
        var bobsSecret = bob.DeriveRawSecretAgreement(alice.PublicKey);
        Assert.Equal(bobsSecret, response.SharedSecret.ToArray());
        Assert.Equal((bob.KeySize + 7) / 8, bobsSecret.Length); // the raw x-coordinate, no KDF
        Assert.Equal(key.Arn, response.KeyId);
        Assert.Equal(KeyAgreementAlgorithmSpec.ECDH, response.KeyAgreementAlgorithm);
        Assert.Equal(OriginType.AWS_KMS, response.KeyOrigin);
        Assert.Null(response.CiphertextForRecipient);
    }

    [Theory]
    [InlineData("ECC_NIST_P256", "P-256")]
    [InlineData("ECC_NIST_P384", "P-384")]
    [InlineData("ECC_NIST_P521", "P-521")]
    public async Task The_shared_secret_is_what_openssl_pkeyutl_derive_computes(string spec, string opensslCurve)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, "KEY_AGREEMENT");
        using var openssl = new OpenSsl();
        openssl.RunOk("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + opensslCurve, "-out", "bob.pem");
        openssl.RunOk("pkey", "-in", "bob.pem", "-pubout", "-outform", "DER", "-out", "bob.pub.der");
        openssl.WritePublicKeyPem("kms.pub.pem", await PublicKeyAsync(lab, key.KeyId));
        openssl.RunOk("pkeyutl", "-derive", "-inkey", "bob.pem", "-peerkey", "kms.pub.pem", "-out", "openssl.secret");

        var response = await DeriveAsync(lab.Kms, key.Arn, openssl.Read("bob.pub.der"));
        Assert.Equal(openssl.Read("openssl.secret"), response.SharedSecret.ToArray());
    }

    [Fact]
    public async Task Two_KMS_keys_derive_the_same_secret_from_each_others_public_keys()
    {
        var lab = new TestLab();
        var alice = await lab.CreateKeyAsync("ECC_NIST_P384", "KEY_AGREEMENT");
        var bob = await lab.CreateKeyAsync("ECC_NIST_P384", "KEY_AGREEMENT");
        await lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/bob", TargetKeyId = bob.KeyId });
        var a = await DeriveAsync(lab.Kms, alice.KeyId, await PublicKeyAsync(lab, bob.KeyId));
        var b = await DeriveAsync(lab.Kms, "alias/bob", await PublicKeyAsync(lab, alice.KeyId));
        Assert.Equal(a.SharedSecret.ToArray(), b.SharedSecret.ToArray());
    }

    [Fact]
    public async Task A_peer_key_on_another_curve_or_not_a_public_key_is_a_validation_error()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ECC_NIST_P256", "KEY_AGREEMENT");
        using var p384 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);
        var mismatch = await AssertErrorAsync("ValidationException", () => DeriveAsync(lab.Kms, key.KeyId, p384.ExportSubjectPublicKeyInfo()));
        Assert.Contains("same elliptic curve", mismatch.Message);
        using var k1 = ECDsa.Create(ECCurve.CreateFromValue("1.3.132.0.10"));
        await AssertErrorAsync("ValidationException", () => DeriveAsync(lab.Kms, key.KeyId, k1.ExportSubjectPublicKeyInfo()));
        using var rsa = RSA.Create(2048);
        await AssertErrorAsync("ValidationException", () => DeriveAsync(lab.Kms, key.KeyId, rsa.ExportSubjectPublicKeyInfo()));
        var garbage = await AssertErrorAsync("ValidationException", () => DeriveAsync(lab.Kms, key.KeyId, RandomNumberGenerator.GetBytes(91)));
        Assert.Contains("SubjectPublicKeyInfo", garbage.Message);
        using var p256 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        await AssertErrorAsync("ValidationException", () => DeriveAsync(lab.Kms, key.KeyId, [.. p256.ExportSubjectPublicKeyInfo(), 0]));
        // A point that is not on the curve: flip a byte of the y-coordinate.
        var offCurve = p256.ExportSubjectPublicKeyInfo();
        offCurve[^1] ^= 1;
        await AssertErrorAsync("ValidationException", () => DeriveAsync(lab.Kms, key.KeyId, offCurve));
    }

    [Fact]
    public async Task Key_usages_and_algorithms_are_enforced()
    {
        var lab = new TestLab();
        var agreement = await lab.CreateKeyAsync("ECC_NIST_P256", "KEY_AGREEMENT");
        var signing = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var symmetric = await lab.CreateKeyAsync();
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var spki = peer.ExportSubjectPublicKeyInfo();

        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => DeriveAsync(lab.Kms, signing.KeyId, spki));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => DeriveAsync(lab.Kms, symmetric.KeyId, spki));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = agreement.KeyId, Message = Stream("m"), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest { KeyId = agreement.KeyId, PublicKey = Stream(spki) }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest { KeyId = agreement.KeyId, KeyAgreementAlgorithm = "ECDHE", PublicKey = Stream(spki) }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest { KeyId = agreement.KeyId, KeyAgreementAlgorithm = KeyAgreementAlgorithmSpec.ECDH }));
        // ECC_SECG_P256K1 keys sign only (the SDK's CreateKey KeyUsage doc).
        await AssertErrorAsync("ValidationException", () => lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_SECG_P256K1, KeyUsage = KeyUsageType.KEY_AGREEMENT }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_EDWARDS25519, KeyUsage = KeyUsageType.KEY_AGREEMENT }));
    }

    [Fact]
    public async Task DryRun_key_states_grants_and_the_audit_record_which_never_holds_the_secret()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ECC_NIST_P256", "KEY_AGREEMENT");
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var spki = peer.ExportSubjectPublicKeyInfo();
        await Assert.ThrowsAsync<DryRunOperationException>(() => lab.Kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest { KeyId = key.KeyId, KeyAgreementAlgorithm = KeyAgreementAlgorithmSpec.ECDH, PublicKey = Stream(spki), DryRun = true }));

        var secret = (await DeriveAsync(lab.Kms, key.KeyId, spki)).SharedSecret.ToArray();
        var record = lab.Lab.AuditTrail.Events.Last(e => e.EventName == "DeriveSharedSecret" && e.ErrorCode is null);
        var json = record.ToJson();
        Assert.DoesNotContain(Convert.ToBase64String(secret), json);
        Assert.Contains("\"readOnly\":true", json.Replace(" ", ""));
        var lastUse = await lab.Kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId });
        Assert.Equal("DeriveSharedSecret", lastUse.KeyLastUsage.Operation.Value);

        var grant = await lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = lab.Lab.AdminArn, Operations = [GrantOperation.DeriveSharedSecret] });
        Assert.NotNull(grant.GrantId);

        var recipient = await AssertErrorAsync("ValidationException", () => lab.Kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
        {
            KeyId = key.KeyId, KeyAgreementAlgorithm = KeyAgreementAlgorithmSpec.ECDH, PublicKey = Stream(spki), Recipient = new RecipientInfo { AttestationDocument = Stream("doc") },
        }));
        Assert.Contains("Recipient", recipient.Message);

        await lab.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        await Assert.ThrowsAsync<DisabledException>(() => DeriveAsync(lab.Kms, key.KeyId, spki));
    }
}
