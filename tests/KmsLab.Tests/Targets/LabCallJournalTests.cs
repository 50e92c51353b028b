using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Targets;

/// <summary>The lab's record of its clients' successful calls, and the plaintext bytes they carried to KMS.</summary>
public sealed class LabCallJournalTests
{
    private readonly TestLab _t = new();

    [Fact]
    public async Task Only_the_callers_own_data_is_counted_and_only_for_calls_that_succeeded()
    {
        var key = await _t.CreateKeyAsync();
        Assert.Equal(0, _t.Lab.PlaintextBytesSentToKms);
        await _t.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(new byte[100]) });
        Assert.Equal(100, _t.Lab.PlaintextBytesSentToKms);

        // A data key travels from KMS, not to it; a ciphertext sent back is not the caller's data either.
        var dataKey = await _t.Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
        await _t.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob });
        Assert.Equal(100, _t.Lab.PlaintextBytesSentToKms);

        var signing = (await _t.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        await _t.Kms.SignAsync(new SignRequest { KeyId = signing.KeyId, Message = new MemoryStream(new byte[10]), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 });
        Assert.Equal(110, _t.Lab.PlaintextBytesSentToKms);

        // Refused: nothing was accepted, nothing counted.
        var refused = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => _t.Lab.CreateKmsClient(Lab.KeyUserName).EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(new byte[50]) }));
        Assert.Equal("AccessDeniedException", refused.ErrorCode);
        Assert.Equal(110, _t.Lab.PlaintextBytesSentToKms);
    }

    [Fact]
    public async Task Every_client_of_the_lab_is_watched_with_who_it_acts_as()
    {
        var key = await _t.CreateKeyAsync();
        var user = _t.Lab.CreateKmsClient(Lab.KeyUserName);
        await user.ListKeysAsync(new ListKeysRequest());
        await _t.Lab.CreateKmsClient(Amazon.RegionEndpoint.EUWest1).DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/none" }).ContinueWith(_ => { });
        var calls = _t.Lab.Journal.Calls;
        Assert.Equal(["CreateKey", "ListKeys"], calls.Select(c => c.Operation));
        Assert.Equal([Lab.AdministratorName, Lab.KeyUserName], calls.Select(c => c.Principal));
        Assert.Equal(key.KeyId, ((CreateKeyResponse)calls[0].Response).KeyMetadata.KeyId);
    }

    [Fact]
    public async Task Only_the_newest_calls_are_kept()
    {
        for (int i = 0; i < KmsLab.Targets.LabCallJournal.Capacity + 5; i++) await _t.Kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 1 });
        Assert.Equal(KmsLab.Targets.LabCallJournal.Capacity, _t.Lab.Journal.Calls.Count);
    }
}
