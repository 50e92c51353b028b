using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of <c>exam-bank/key-lifecycle.json</c>, made to happen on the simulator (waiting periods pass on its clock).</summary>
internal static class KeyLifecycleDemonstrations
{
    [Proves("06.1")]
    internal static async Task<string> TheShortestWaitingPeriod(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        int none = 0; // a variable: the SDK's analyzer refuses the constant, but the SDK itself would send it
        await Demonstrate.FailsWithAsync("ValidationException", () => kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = none }));
        var defaulted = await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = await NewKey(kms) });
        Demonstrate.That(defaulted.PendingWindowInDays == KmsFacts.DefaultPendingWindowInDays, $"no window means the default, {KmsFacts.DefaultPendingWindowInDays} days");
        var fastest = await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = KmsFacts.MinPendingWindowInDays });
        Demonstrate.That(fastest.PendingWindowInDays == KmsFacts.MinPendingWindowInDays, "the shortest window is accepted");
        return $"PendingWindowInDays 0 → ValidationException; none → {KmsFacts.DefaultPendingWindowInDays} days; {KmsFacts.MinPendingWindowInDays} → scheduled, the fastest KMS allows";
    }

    [Proves("06.2")]
    internal static async Task<string> ACancelledDeletionLeavesTheKeyDisabled(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        var blob = await Encrypt(kms, key, "orders");
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = KmsFacts.MinPendingWindowInDays });
        await kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = key });
        await Demonstrate.ThrowsAsync<DisabledException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        return "ScheduleKeyDeletion, then CancelKeyDeletion: Decrypt → DisabledException; after EnableKey it decrypts";
    }

    [Proves("06.3")]
    internal static async Task<string> DisableIsTheReversibleBrake(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        var blob = await Encrypt(kms, key, "evidence");
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        await Demonstrate.ThrowsAsync<DisabledException>(() => kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1]) }));
        await Demonstrate.ThrowsAsync<DisabledException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        lab.Clock.Advance(TimeSpan.FromDays(365));
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        return "DisableKey: Encrypt and Decrypt → DisabledException at once; a year later EnableKey restores everything";
    }

    [Proves("lifecycle.disabled-error")]
    internal static async Task<string> DisabledKeysRefuseUseNotDescription(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        await Demonstrate.ThrowsAsync<DisabledException>(() => kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1]) }));
        var state = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.KeyState;
        Demonstrate.That(state == KeyState.Disabled, $"DescribeKey works and says Disabled (it says {state})");
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        await Encrypt(kms, key, "works again");
        return "a disabled key: Encrypt → DisabledException, DescribeKey → Disabled; EnableKey → Encrypt works again";
    }

    [Proves("lifecycle.disabled-still-works")]
    internal static async Task<string> WhatADisabledKeyStillAnswers(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        var other = await NewKey(kms);
        var blob = await Encrypt(kms, key, "x");
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key });
        await Demonstrate.ThrowsAsync<DisabledException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        await Demonstrate.ThrowsAsync<DisabledException>(() => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 }));
        await Demonstrate.ThrowsAsync<DisabledException>(() => kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), DestinationKeyId = other }));
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        return "a disabled key: DescribeKey and EnableKey succeed; Decrypt, GenerateDataKey and ReEncrypt from it → DisabledException";
    }

    [Proves("lifecycle.pending-deletion-error")]
    internal static async Task<string> PendingDeletionIsAnInvalidState(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        var blob = await Encrypt(kms, key, "still needed");
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key });
        var e = await Demonstrate.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        Demonstrate.That(e.Message.Contains("pending deletion", StringComparison.Ordinal), $"the message says the key is pending deletion (it says: {e.Message})");
        await kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = key });
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        return $"pending deletion: Decrypt → KMSInvalidStateException ({e.Message}); CancelKeyDeletion + EnableKey → it decrypts";
    }

    [Proves("lifecycle.enable-during-waiting")]
    internal static async Task<string> EnableKeyCannotCancelADeletion(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = KmsFacts.MinPendingWindowInDays });
        await Demonstrate.ThrowsAsync<KMSInvalidStateException>(() => kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key }));
        await kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = key });
        var state = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.KeyState;
        Demonstrate.That(state == KeyState.Disabled, $"CancelKeyDeletion leaves the key Disabled (it is {state})");
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        return "pending deletion: EnableKey → KMSInvalidStateException; CancelKeyDeletion → Disabled; then EnableKey works";
    }

    [Proves("lifecycle.after-deletion-date")]
    internal static async Task<string> AfterTheDeletionDateTheKeyIsGone(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        var blob = await Encrypt(kms, key, "backup");
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = 10 });
        lab.Clock.Advance(TimeSpan.FromDays(14));
        await Demonstrate.ThrowsAsync<NotFoundException>(() => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }));
        await Demonstrate.ThrowsAsync<NotFoundException>(() => kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = key }));
        await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        return "scheduled with 10 days, 14 days later: DescribeKey and CancelKeyDeletion → NotFoundException, and the backup no longer decrypts";
    }

    [Proves("lifecycle.window-too-long")]
    internal static async Task<string> TheWindowHasAnUpperBound(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        int ninety = KmsFacts.MaxPendingWindowInDays;
        ninety *= 3; // a variable: the SDK's analyzer refuses the constant, but the SDK itself would send it
        await Demonstrate.FailsWithAsync("ValidationException", () => kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = ninety }));
        var state = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.KeyState;
        Demonstrate.That(state == KeyState.Enabled, $"nothing was scheduled (the key is {state})");
        return $"ScheduleKeyDeletion with {ninety} days → ValidationException, and the key stays Enabled";
    }

    private static async Task<string> NewKey(IAmazonKeyManagementService kms) => (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;

    private static async Task<byte[]> Encrypt(IAmazonKeyManagementService kms, string keyId, string text) =>
        (await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) })).CiphertextBlob.ToArray();
}
