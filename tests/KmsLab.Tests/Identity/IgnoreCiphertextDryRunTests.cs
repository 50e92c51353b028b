using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Identity;

/// <summary>
/// DryRunModifiers=[IGNORE_CIPHERTEXT] on Decrypt and ReEncrypt (SDK doc text): with DryRun, KMS
/// checks only authorization, not the ciphertext, so permissions can be tested without a valid
/// ciphertext blob. The ciphertext then names no key: KeyId (SourceKeyId) must be given.
/// </summary>
public class IgnoreCiphertextDryRunTests
{
    private readonly TestLab _lab = new();

    private static MemoryStream Junk() => new("not a ciphertext"u8.ToArray());

    [Fact]
    public async Task Decrypt_dry_run_with_IGNORE_CIPHERTEXT_checks_permissions_only()
    {
        var key = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        // The owner may decrypt: DryRunOperationException, although the blob is no ciphertext.
        await Assert.ThrowsAsync<DryRunOperationException>(() => _lab.Kms.DecryptAsync(new DecryptRequest
        {
            KeyId = key.KeyId, CiphertextBlob = Junk(), DryRun = true, DryRunModifiers = [DryRunModifierType.IGNORE_CIPHERTEXT],
        }));
        // Without the modifier, the dry run reads the ciphertext.
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => _lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = Junk(), DryRun = true }));
        // A caller without permission gets AccessDeniedException.
        var user = _lab.Lab.CreateKmsClient("myKeyUser");
        await KmsAssert.Code("AccessDeniedException", () => user.DecryptAsync(new DecryptRequest
        {
            KeyId = key.KeyId, CiphertextBlob = Junk(), DryRun = true, DryRunModifiers = [DryRunModifierType.IGNORE_CIPHERTEXT],
        }));
        // The ciphertext is not read, so the key must be named.
        await KmsAssert.Code("ValidationException", () => _lab.Kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = Junk(), DryRun = true, DryRunModifiers = [DryRunModifierType.IGNORE_CIPHERTEXT],
        }));
        await KmsAssert.Code("ValidationException", () => _lab.Kms.DecryptAsync(new DecryptRequest
        {
            KeyId = key.KeyId, CiphertextBlob = Junk(), DryRun = true, DryRunModifiers = ["SOMETHING_ELSE"],
        }));
        // Authorization includes the encryption context conditions of the key policy.
        var policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:user/myKeyUser"},"Action":"kms:Decrypt","Resource":"*",
               "Condition":{"StringEquals":{"kms:EncryptionContext:app":"payroll"}}}]}
            """.Replace("ACCOUNT", _lab.Lab.AccountId, StringComparison.Ordinal);
        await _lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = policy });
        await Assert.ThrowsAsync<DryRunOperationException>(() => user.DecryptAsync(new DecryptRequest
        {
            KeyId = key.KeyId, CiphertextBlob = Junk(), EncryptionContext = new() { ["app"] = "payroll" }, DryRun = true, DryRunModifiers = [DryRunModifierType.IGNORE_CIPHERTEXT],
        }));
        await KmsAssert.Code("AccessDeniedException", () => user.DecryptAsync(new DecryptRequest
        {
            KeyId = key.KeyId, CiphertextBlob = Junk(), EncryptionContext = new() { ["app"] = "hr" }, DryRun = true, DryRunModifiers = [DryRunModifierType.IGNORE_CIPHERTEXT],
        }));
    }

    [Fact]
    public async Task ReEncrypt_dry_run_with_IGNORE_CIPHERTEXT_checks_ReEncryptFrom_and_ReEncryptTo()
    {
        var source = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var destination = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await Assert.ThrowsAsync<DryRunOperationException>(() => _lab.Kms.ReEncryptAsync(new ReEncryptRequest
        {
            SourceKeyId = source.KeyId, DestinationKeyId = destination.KeyId, CiphertextBlob = Junk(), DryRun = true, DryRunModifiers = [DryRunModifierType.IGNORE_CIPHERTEXT],
        }));
        await KmsAssert.Code("ValidationException", () => _lab.Kms.ReEncryptAsync(new ReEncryptRequest
        {
            DestinationKeyId = destination.KeyId, CiphertextBlob = Junk(), DryRun = true, DryRunModifiers = [DryRunModifierType.IGNORE_CIPHERTEXT],
        }));
        // ReEncryptTo on the destination is checked too.
        var policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:user/myKeyUser"},"Action":"kms:ReEncrypt*","Resource":"*"}]}
            """.Replace("ACCOUNT", _lab.Lab.AccountId, StringComparison.Ordinal);
        await _lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = source.KeyId, Policy = policy });
        var user = _lab.Lab.CreateKmsClient("myKeyUser");
        var e = await KmsAssert.Code("AccessDeniedException", () => user.ReEncryptAsync(new ReEncryptRequest
        {
            SourceKeyId = source.KeyId, DestinationKeyId = destination.KeyId, CiphertextBlob = Junk(), DryRun = true, DryRunModifiers = [DryRunModifierType.IGNORE_CIPHERTEXT],
        }));
        Assert.Contains("kms:ReEncryptTo", e.Message);
        await _lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = destination.KeyId, Policy = policy });
        await Assert.ThrowsAsync<DryRunOperationException>(() => user.ReEncryptAsync(new ReEncryptRequest
        {
            SourceKeyId = source.KeyId, DestinationKeyId = destination.KeyId, CiphertextBlob = Junk(), DryRun = true, DryRunModifiers = [DryRunModifierType.IGNORE_CIPHERTEXT],
        }));
    }
}
