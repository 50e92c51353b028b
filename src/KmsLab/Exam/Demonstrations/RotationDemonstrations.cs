using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of <c>exam-bank/rotation.json</c>, made to happen on the simulator (a year passes on its clock, not on yours).</summary>
internal static class RotationDemonstrations
{
    [Proves("05.1")]
    internal static async Task<string> OldRecordsDecryptAfterAutomaticRotation(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var archived = await Encrypt(kms, key.KeyId, "record of 2025");
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId });
        lab.Clock.Advance(TimeSpan.FromDays(KmsFacts.DefaultRotationPeriodInDays + 1));
        var rotations = (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId })).Rotations;
        Demonstrate.That(rotations.Count == 1 && rotations[0].RotationType == RotationType.AUTOMATIC, "a year later the key has rotated once, automatically");
        var old = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(archived) });
        Demonstrate.That(old.KeyId == key.Arn, "the archived record decrypts, under the same key ARN");
        var fresh = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(await Encrypt(kms, key.KeyId, "record of 2026")) });
        Demonstrate.That(fresh.KeyMaterialId != old.KeyMaterialId, "new encryptions use the new material");
        return "after a year and one automatic rotation: the old record decrypts (same ARN, old material); new records use the new material";
    }

    [Proves("05.2")]
    internal static async Task<string> AnyPeriodFromTheRange(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var start = lab.Clock.GetUtcNow();
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key, RotationPeriodInDays = 180 });
        var status = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key });
        Demonstrate.That(status.RotationPeriodInDays == 180, $"the period is 180 days (it is {status.RotationPeriodInDays})");
        var due = status.NextRotationDate!.Value - start.UtcDateTime;
        Demonstrate.That(Math.Abs(due.TotalDays - 180) < 1, $"the next rotation is due in 180 days (in {due.TotalDays:0.#})");
        return "EnableKeyRotation(RotationPeriodInDays = 180) → GetKeyRotationStatus: period 180, next rotation in 180 days";
    }

    [Proves("05.3")]
    internal static async Task<string> RotateNowWhateverTheSchedule(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key });
        var scheduled = (await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key })).NextRotationDate;
        var exposed = await MaterialOf(kms, await Encrypt(kms, key, "before"));
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key });
        var fresh = await MaterialOf(kms, await Encrypt(kms, key, "after"));
        Demonstrate.That(fresh != exposed, "the next encryption uses new material");
        var after = (await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key })).NextRotationDate;
        Demonstrate.That(after == scheduled, "the automatic schedule is unchanged");
        return "RotateKeyOnDemand on a key with automatic rotation: new encryptions use fresh material at once; NextRotationDate unchanged";
    }

    [Proves("rotation.off-by-default")]
    internal static async Task<string> RotationIsOffUntilEnabled(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var status = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key });
        Demonstrate.That(status.KeyRotationEnabled == false, "a new customer managed key does not rotate");
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key });
        status = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key });
        Demonstrate.That(status.KeyRotationEnabled == true && status.RotationPeriodInDays == KmsFacts.DefaultRotationPeriodInDays, "EnableKeyRotation turns it on with the default period");
        return $"new key: KeyRotationEnabled = false; after EnableKeyRotation: true, {KmsFacts.DefaultRotationPeriodInDays} days";
    }

    [Proves("rotation.what-stays")]
    internal static async Task<string> RotationChangesOnlyTheMaterial(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/ledger", TargetKeyId = key.KeyId });
        var policyBefore = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" })).Policy;
        var old = await Encrypt(kms, "alias/ledger", "entry 1");
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        var after = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/ledger" })).KeyMetadata;
        var policyAfter = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" })).Policy;
        Demonstrate.That(after.Arn == key.Arn && policyAfter == policyBefore, "the alias still names the same key ARN, and the policy is unchanged");
        var read = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(old) });
        Demonstrate.That(System.Text.Encoding.UTF8.GetString(read.Plaintext.ToArray()) == "entry 1", "old ciphertext decrypts with the same code");
        return "after a rotation: alias/ledger → the same ARN, the same policy, and the old ciphertext decrypts unchanged";
    }

    [Proves("rotation.unsupported-keys")]
    internal static async Task<string> OnlyKmsGeneratedSymmetricKeysRotateAutomatically(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var signing = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
        var imported = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata.KeyId;
        var ordinary = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await Demonstrate.ThrowsAsync<UnsupportedOperationException>(() => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = signing }));
        await Demonstrate.ThrowsAsync<UnsupportedOperationException>(() => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = imported }));
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = ordinary });
        return "EnableKeyRotation: RSA_2048 signing key → UnsupportedOperationException; Origin EXTERNAL key → UnsupportedOperationException; symmetric AWS_KMS key → enabled";
    }

    [Proves("rotation.thirty-day-material")]
    internal static async Task<string> ThirtyDaysNeedsManualRotation(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var first = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        int thirtyDays = KmsFacts.MinRotationPeriodInDays;
        thirtyDays -= 60; // a variable: the SDK's analyzer refuses the constant, but the SDK itself would send it
        await Demonstrate.FailsWithAsync("ValidationException", () => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = first, RotationPeriodInDays = thirtyDays }));
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/app", TargetKeyId = first });
        var month1 = await Encrypt(kms, "alias/app", "January");
        lab.Clock.Advance(TimeSpan.FromDays(30));
        var second = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        await kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = "alias/app", TargetKeyId = second });
        var month2 = await Encrypt(kms, "alias/app", "February");
        Demonstrate.That((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(month2) })).KeyId == second, "new data goes under the new key");
        Demonstrate.That((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(month1) })).KeyId == first, "last month's data still decrypts under the previous key");
        return "EnableKeyRotation(30 days) → ValidationException; a new key every 30 days behind alias/app: new data under the new key, older data under the old";
    }

    [Proves("rotation.on-demand-independent")]
    internal static async Task<string> OnDemandLeavesAutomaticOff(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key });
        var rotations = (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key })).Rotations;
        Demonstrate.That(rotations.Count == 1 && rotations[0].RotationType == RotationType.ON_DEMAND, "the key rotated once, on demand");
        var status = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key });
        Demonstrate.That(status.KeyRotationEnabled == false, "automatic rotation is still off");
        return "RotateKeyOnDemand with automatic rotation off → one ON_DEMAND rotation; KeyRotationEnabled still false";
    }

    [Proves("rotation.on-demand-limit")]
    internal static async Task<string> OnDemandRotationsRunOut(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        for (int week = 0; week < KmsFacts.MaxOnDemandRotationsPerKey; week++)
        {
            await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key });
            lab.Clock.Advance(TimeSpan.FromDays(7));
        }
        await Demonstrate.FailsWithAsync("LimitExceededException", () => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key }));
        return $"{KmsFacts.MaxOnDemandRotationsPerKey} weekly on-demand rotations work; the next → LimitExceededException";
    }

    [Proves("rotation.history")]
    internal static async Task<string> ListKeyRotationsIsTheHistory(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key, RotationPeriodInDays = KmsFacts.MinRotationPeriodInDays });
        lab.Clock.Advance(TimeSpan.FromDays(10));
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key });
        lab.Clock.Advance(TimeSpan.FromDays(KmsFacts.MinRotationPeriodInDays));
        var rotations = (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key })).Rotations;
        var kinds = rotations.Select(r => r.RotationType.Value).ToHashSet();
        Demonstrate.That(rotations.Count == 2 && kinds.SetEquals(["ON_DEMAND", "AUTOMATIC"]), $"the history lists both rotations with their type (it lists {string.Join(", ", kinds)})");
        Demonstrate.That(rotations.All(r => r.RotationDate is not null && !string.IsNullOrEmpty(r.KeyMaterialId)), "each with its date and material ID");
        return "ListKeyRotations → an ON_DEMAND and an AUTOMATIC rotation, each with its date and key material ID";
    }

    [Proves("rotation.reencrypt-after-exposure")]
    internal static async Task<string> ReEncryptMovesOldCiphertextToNewMaterial(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var blob = await Encrypt(kms, key, "customer list");
        var exposed = await MaterialOf(kms, blob);
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key });
        Demonstrate.That(await MaterialOf(kms, blob) == exposed, "rotation leaves the old ciphertext on the exposed material");
        var moved = (await kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), DestinationKeyId = key })).CiphertextBlob.ToArray();
        Demonstrate.That(await MaterialOf(kms, moved) != exposed, "ReEncrypt to the same key puts it on the new material");
        return "after RotateKeyOnDemand the old blob is still on the exposed material; ReEncrypt to the same key → on the new material";
    }

    [Proves("rotation.manual-old-data")]
    internal static async Task<string> OldDataFollowsItsKeyNotTheAlias(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var oldKey = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/app", TargetKeyId = oldKey });
        var blob = await Encrypt(kms, "alias/app", "before the switch");
        var newKey = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        await kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = "alias/app", TargetKeyId = newKey });
        var read = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        Demonstrate.That(read.KeyId == oldKey, "old data decrypts under the old key");
        await Demonstrate.ThrowsAsync<IncorrectKeyException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), KeyId = "alias/app" }));
        return "after UpdateAlias: the old blob decrypts under the old key; with KeyId = alias/app (now the new key) → IncorrectKeyException";
    }

    private static async Task<byte[]> Encrypt(IAmazonKeyManagementService kms, string keyId, string text) =>
        (await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) })).CiphertextBlob.ToArray();

    private static async Task<string> MaterialOf(IAmazonKeyManagementService kms, byte[] blob) =>
        (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).KeyMaterialId;
}
