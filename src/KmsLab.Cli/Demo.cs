using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;

namespace KmsLab.Cli;

/// <summary>
/// The course's opening demo, step by step on the simulator, through the official SDK client:
/// the same calls a learner makes against real AWS KMS.
/// </summary>
internal static class Demo
{
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        var lab = Lab.Simulator();
        var kms = lab.CreateKmsClient();
        int step = 0;
        void Step(string title) => output.WriteLine($"{Environment.NewLine}== {++step}. {title}");
        void Show(string label, object? value) => output.WriteLine($"   {label,-22} {value}");

        output.WriteLine($"KmsLab demo — simulated AWS account {lab.AccountId}, Region {lab.DefaultRegion.SystemName}, no AWS account needed.");

        Step("Create a customer master key (CMK) and give it an alias");
        var created = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "KmsLab demo key" }, cancellationToken);
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/kmslab-demo", TargetKeyId = created.KeyMetadata.KeyId }, cancellationToken);
        var metadata = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/kmslab-demo" }, cancellationToken)).KeyMetadata;
        Show("Key ARN", metadata.Arn);
        Show("Alias", "alias/kmslab-demo");
        Show("Created", metadata.CreationDate?.ToString("u"));
        Show("State", metadata.KeyState);
        Show("Origin", metadata.Origin);
        Show("Spec / usage", $"{metadata.KeySpec} / {metadata.KeyUsage}");

        Step("Encrypt a small secret (up to 4096 bytes) directly with the CMK");
        var secret = "The launch code is 0000."u8.ToArray();
        var context = new Dictionary<string, string> { ["purpose"] = "demo" };
        var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/kmslab-demo", Plaintext = new MemoryStream(secret), EncryptionContext = context }, cancellationToken);
        var blob = encrypted.CiphertextBlob.ToArray();
        Show("Plaintext", $"{secret.Length} bytes: \"{Encoding.UTF8.GetString(secret)}\"");
        Show("Ciphertext", $"{blob.Length} bytes: {Convert.ToHexString(blob.AsSpan(0, 24))}...");
        Show("Encryption context", "purpose=demo (must be given again to decrypt)");

        Step("Decrypt it: the ciphertext names its key, so no KeyId is needed");
        var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, cancellationToken);
        Show("Decrypted with", decrypted.KeyId);
        Show("Plaintext", $"\"{Encoding.UTF8.GetString(decrypted.Plaintext.ToArray())}\"");
        try
        {
            await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }, cancellationToken);
        }
        catch (InvalidCiphertextException)
        {
            Show("Without the context", "InvalidCiphertextException — the context is authenticated");
        }

        Step("Re-encrypt under a second CMK, without ever seeing the plaintext");
        var second = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "KmsLab demo key 2" }, cancellationToken)).KeyMetadata;
        var reEncrypted = await kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = new MemoryStream(blob),
            SourceEncryptionContext = context,
            DestinationKeyId = second.KeyId,
            DestinationEncryptionContext = context,
        }, cancellationToken);
        Show("From", reEncrypted.SourceKeyId);
        Show("To", reEncrypted.KeyId);

        Step("Enable automatic rotation and read its status");
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = metadata.KeyId }, cancellationToken);
        var status = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = metadata.KeyId }, cancellationToken);
        Show("Rotation enabled", status.KeyRotationEnabled);
        Show("Period (days)", status.RotationPeriodInDays);
        Show("Next rotation", status.NextRotationDate?.ToString("u"));
        lab.Clock.Advance(TimeSpan.FromDays(366));
        var rotations = await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = metadata.KeyId }, cancellationToken);
        Show("After a simulated year", $"{rotations.Rotations.Count} rotation(s), on {rotations.Rotations[0].RotationDate:u} ({rotations.Rotations[0].RotationType})");
        var stillDecrypts = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, cancellationToken);
        Show("Old ciphertext", $"still decrypts: \"{Encoding.UTF8.GetString(stillDecrypts.Plaintext.ToArray())}\"");

        Step("Generate an AES_256 data key for envelope encryption");
        var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = "alias/kmslab-demo", KeySpec = DataKeySpec.AES_256 }, cancellationToken);
        Show("Plaintext data key", $"{dataKey.Plaintext.Length} bytes (use it, then forget it)");
        Show("Encrypted data key", $"{dataKey.CiphertextBlob.Length} bytes (store it beside your data)");

        Step("The 4 KB limit of direct Encrypt");
        await kms.EncryptAsync(new EncryptRequest { KeyId = metadata.KeyId, Plaintext = new MemoryStream(new byte[4096]) }, cancellationToken);
        Show("4096 bytes", "encrypted");
        try
        {
            await kms.EncryptAsync(new EncryptRequest { KeyId = metadata.KeyId, Plaintext = new MemoryStream(new byte[4097]) }, cancellationToken);
            output.WriteLine("   4097 bytes were accepted: this is not what AWS KMS does.");
            return ExitCodes.Failed;
        }
        catch (AmazonKeyManagementServiceException e) when (e.ErrorCode == "ValidationException")
        {
            Show("4097 bytes", $"refused: {e.ErrorCode}");
            Show("AWS says", e.Message);
        }

        output.WriteLine($"{Environment.NewLine}Done. Anything over 4 KB needs a data key: envelope encryption.");
        return ExitCodes.Success;
    }
}
