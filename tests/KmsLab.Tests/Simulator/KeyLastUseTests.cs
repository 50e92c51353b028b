using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Simulation;

namespace KmsLab.Tests.Simulator;

/// <summary>
/// The request pipeline's last step: a successful call of an operation that tracks last usage
/// records, on each key it used, the operation, the simulated time and the IDs of its request and
/// CloudTrail event. A dry run, a refused call, and an operation that does not track usage leave it.
/// </summary>
public class KeyLastUseTests
{
    private readonly TestLab _lab = new();
    private IAmazonKeyManagementService Kms => _lab.Kms;

    private KeyLastUse? LastUse(string keyId) =>
        _lab.Lab.World.Region(_lab.Lab.AccountId, _lab.Lab.DefaultRegion.SystemName).Find(Guid.Parse(keyId))!.LastUse;

    [Fact]
    public async Task Each_cryptographic_call_is_the_key_last_use_with_its_time_and_request_ID()
    {
        var key = await _lab.CreateKeyAsync();
        Assert.Null(LastUse(key.KeyId));

        _lab.Lab.Clock.Advance(TimeSpan.FromHours(1));
        var encrypted = await Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("hello") });
        var use = LastUse(key.KeyId)!.Value;
        Assert.Equal("Encrypt", use.Operation);
        Assert.Equal(TestLab.Start.AddHours(1), use.Time);
        Assert.Equal(encrypted.ResponseMetadata.RequestId, use.RequestId);

        _lab.Lab.Clock.Advance(TimeSpan.FromMinutes(5));
        var decrypted = await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob });
        Assert.Equal(("Decrypt", TestLab.Start.AddHours(1).AddMinutes(5), decrypted.ResponseMetadata.RequestId), Triple(LastUse(key.KeyId)));

        var dataKey = await Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
        Assert.Equal(("GenerateDataKey", TestLab.Start.AddHours(1).AddMinutes(5), dataKey.ResponseMetadata.RequestId), Triple(LastUse(key.KeyId)));

        var pair = await Kms.GenerateDataKeyPairWithoutPlaintextAsync(new GenerateDataKeyPairWithoutPlaintextRequest { KeyId = key.KeyId, KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256 });
        Assert.Equal(("GenerateDataKeyPairWithoutPlaintext", TestLab.Start.AddHours(1).AddMinutes(5), pair.ResponseMetadata.RequestId), Triple(LastUse(key.KeyId)));
    }

    [Fact]
    public async Task ReEncrypt_is_the_last_use_of_both_its_keys()
    {
        var source = await _lab.CreateKeyAsync();
        var destination = await _lab.CreateKeyAsync();
        var blob = (await Kms.EncryptAsync(new EncryptRequest { KeyId = source.KeyId, Plaintext = Bytes.Stream("moving") })).CiphertextBlob;

        var reEncrypted = await Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, DestinationKeyId = destination.KeyId });

        Assert.Equal(("ReEncrypt", TestLab.Start, reEncrypted.ResponseMetadata.RequestId), Triple(LastUse(source.KeyId)));
        Assert.Equal(("ReEncrypt", TestLab.Start, reEncrypted.ResponseMetadata.RequestId), Triple(LastUse(destination.KeyId)));
    }

    [Fact]
    public async Task A_dry_run_a_refused_call_and_an_operation_that_does_not_track_usage_leave_the_last_use()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("first") });
        var first = LastUse(key.KeyId);
        Assert.NotNull(first);

        _lab.Lab.Clock.Advance(TimeSpan.FromMinutes(1));
        await KmsAssert.Throws<DryRunOperationException>(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("dry"), DryRun = true }));
        await KmsAssert.Throws<InvalidKeyUsageException>(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x"), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 }));
        await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId });
        await Kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId });
        await Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        await KmsAssert.Throws<DisabledException>(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("disabled") }));

        Assert.Equal(first, LastUse(key.KeyId));
    }

    [Fact]
    public void The_last_use_names_the_call_CloudTrail_event()
    {
        var lab = _lab.Lab;
        var caller = lab.World.Principals.Find(Lab.AdministratorName, lab.AccountId)!;
        var eventId = Guid.NewGuid();
        var ctx = new CallContext(lab.AccountId, lab.DefaultRegion.SystemName, caller, "request-1", EventId: eventId);
        var keyId = lab.Engine.Keys.CreateKey(ctx, new Simulation.Model.CreateKeyRequest()).KeyMetadata!.KeyId!;

        lab.Engine.Crypto.Encrypt(ctx, new Simulation.Model.EncryptRequest { KeyId = keyId, Plaintext = [1, 2, 3] });

        Assert.Equal(new KeyLastUse("Encrypt", TestLab.Start, "request-1", eventId), LastUse(keyId));
    }

    private static (string, DateTimeOffset, string) Triple(KeyLastUse? use) => (use!.Value.Operation, use.Value.Time, use.Value.RequestId);
}
