using System.Text;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;

namespace KmsLab.Cli;

/// <summary>
/// The multi-Region keys demo, on the simulator, through the official SDK client: a primary key in
/// us-east-1, a replica in eu-west-1, a ciphertext from Virginia decrypted in Ireland, rotation on
/// the primary, and the new key material at work in both Regions.
/// </summary>
internal static class DemoMultiRegion
{
    private static readonly RegionEndpoint Primary = RegionEndpoint.USEast1;
    private static readonly RegionEndpoint Replica = RegionEndpoint.EUWest1;

    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        var lab = Lab.Simulator();
        var east = lab.CreateKmsClient(Primary);
        var west = lab.CreateKmsClient(Replica);
        int step = 0;
        void Step(string title) => output.WriteLine($"{Environment.NewLine}== {++step}. {title}");
        void Show(string label, object? value) => output.WriteLine($"   {label,-30} {value}");
        void Note(string text) => output.WriteLine($"   {text}");
        static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));
        static string Text(MemoryStream stream) => Encoding.UTF8.GetString(stream.ToArray());
        async Task<KeyMetadata> Describe(IAmazonKeyManagementService kms, string keyId) =>
            (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, cancellationToken)).KeyMetadata;
        async Task<List<RotationsListEntry>> Materials(IAmazonKeyManagementService kms, string keyId) =>
            (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId, IncludeKeyMaterial = IncludeKeyMaterial.ALL_KEY_MATERIAL }, cancellationToken)).Rotations;
        static string Short(string materialId) => materialId[..12] + "…";

        output.WriteLine($"KmsLab multi-Region keys demo — simulated AWS account {lab.AccountId}, Regions {Primary.SystemName} and {Replica.SystemName}.");

        Step($"Create a multi-Region primary key in {Primary.SystemName} (CreateKey with MultiRegion=true)");
        var key = (await east.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true, Description = "orders database, primary" }, cancellationToken)).KeyMetadata;
        Show("Key ID", $"{key.KeyId}   (mrk- marks a multi-Region key)");
        Show("Key ARN", key.Arn);
        Show("MultiRegionKeyType", key.MultiRegionConfiguration.MultiRegionKeyType);
        await east.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/orders", TargetKeyId = key.KeyId }, cancellationToken);
        Show("Alias", $"alias/orders (in {Primary.SystemName} only: aliases are not shared)");

        Step($"Encrypt an order in {Primary.SystemName}");
        var context = new Dictionary<string, string> { ["table"] = "orders" };
        var order = "order 4711: 3 x blue widget, ship to Dublin";
        var blob = (await east.EncryptAsync(new EncryptRequest { KeyId = "alias/orders", Plaintext = Bytes(order), EncryptionContext = context }, cancellationToken)).CiphertextBlob.ToArray();
        Show("Plaintext", $"\"{order}\"");
        Show("Ciphertext", $"{blob.Length} bytes; it names the key {key.KeyId}");
        Show("Key material", Short((await Describe(east, key.KeyId)).CurrentKeyMaterialId));

        Step($"Before replication, {Replica.SystemName} cannot decrypt it: KMS keys are regional");
        try
        {
            await west.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, cancellationToken);
            Note($"It decrypted in {Replica.SystemName} without a replica: this is not what AWS KMS does.");
            return ExitCodes.Failed;
        }
        catch (InvalidCiphertextException)
        {
            Show($"Decrypt in {Replica.SystemName}", "InvalidCiphertextException (no key with this ID there)");
        }

        Step($"ReplicateKey to {Replica.SystemName}: same key ID, same key material, its own policy and tags");
        var replicated = await east.ReplicateKeyAsync(new ReplicateKeyRequest
        {
            KeyId = key.KeyId,
            ReplicaRegion = Replica.SystemName,
            Description = "orders database, disaster-recovery copy",
            Tags = [new Tag { TagKey = "purpose", TagValue = "disaster-recovery" }],
        }, cancellationToken);
        var replica = replicated.ReplicaKeyMetadata;
        Show("Replica ARN", replica.Arn);
        Show("KeyState", $"{replica.KeyState} (a few seconds while KMS copies the key)");
        try
        {
            await west.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, cancellationToken);
            Note("The replica decrypted while Creating: this is not what AWS KMS does.");
            return ExitCodes.Failed;
        }
        catch (KMSInvalidStateException e)
        {
            Show("Decrypt right now", $"KMSInvalidStateException: {e.Message}");
        }
        lab.Clock.Advance(TimeSpan.FromSeconds(5));
        var settled = await Describe(west, key.KeyId);
        Show("5 s later (sim. clock)", $"KeyState {settled.KeyState}");
        Show("MultiRegionKeyType", settled.MultiRegionConfiguration.MultiRegionKeyType);
        Show("Its primary", settled.MultiRegionConfiguration.PrimaryKey.Arn);

        Step($"Decrypt the {Primary.SystemName} ciphertext in {Replica.SystemName} — no cross-Region call, no re-encryption");
        var decrypted = await west.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, cancellationToken);
        Show("Decrypted", $"\"{Text(decrypted.Plaintext)}\"");
        Show("By key", decrypted.KeyId);
        if (Text(decrypted.Plaintext) != order) return ExitCodes.Failed;

        Step($"Rotation is managed on the primary: the replica in {Replica.SystemName} refuses it");
        try
        {
            await west.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }, cancellationToken);
            Note("The replica rotated by itself: this is not what AWS KMS does.");
            return ExitCodes.Failed;
        }
        catch (UnsupportedOperationException e)
        {
            Show($"RotateKeyOnDemand ({Replica.SystemName})", "UnsupportedOperationException");
            Note(e.Message);
        }

        Step($"RotateKeyOnDemand on the primary in {Primary.SystemName}");
        await east.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }, cancellationToken);
        foreach (var (name, kms) in new[] { (Primary.SystemName, east), (Replica.SystemName, west) })
        {
            Note($"Key material in {name}:");
            foreach (var m in await Materials(kms, key.KeyId))
            {
                Show($"  {Short(m.KeyMaterialId)}", $"{m.KeyMaterialState,-11} {(m.RotationType is null ? "original" : $"{m.RotationType} rotation {m.RotationDate:u}")}");
            }
        }
        var eastCurrent = (await Describe(east, key.KeyId)).CurrentKeyMaterialId;
        var westCurrent = (await Describe(west, key.KeyId)).CurrentKeyMaterialId;
        Show($"Current in {Primary.SystemName}", Short(eastCurrent));
        Show($"Current in {Replica.SystemName}", Short(westCurrent));
        if (eastCurrent != westCurrent)
        {
            Note("The replica did not get the new key material: this is not what AWS KMS does.");
            return ExitCodes.Failed;
        }
        Note("Same new material in both Regions: KMS synchronises it to every replica.");

        Step($"The new material at work: encrypt in {Replica.SystemName}, decrypt in {Primary.SystemName}; the old ciphertext still decrypts");
        var fresh = (await west.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("order 4712: 1 x red widget"), EncryptionContext = context }, cancellationToken)).CiphertextBlob.ToArray();
        var back = await east.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(fresh), EncryptionContext = context }, cancellationToken);
        Show($"Decrypted in {Primary.SystemName}", $"\"{Text(back.Plaintext)}\"");
        var old = await west.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, cancellationToken);
        Show("Old ciphertext", $"still decrypts in {Replica.SystemName}: \"{Text(old.Plaintext)}\"");

        Step("What each key keeps for itself");
        var primaryNow = await Describe(east, key.KeyId);
        var replicaNow = await Describe(west, key.KeyId);
        Show($"Description ({Primary.SystemName})", primaryNow.Description);
        Show($"Description ({Replica.SystemName})", replicaNow.Description);
        var westAliases = (await west.ListAliasesAsync(new ListAliasesRequest { KeyId = key.KeyId }, cancellationToken)).Aliases;
        Show($"Aliases ({Replica.SystemName})", westAliases.Count == 0 ? "none — create one there if you want alias/orders in both" : string.Join(", ", westAliases.Select(a => a.AliasName)));
        Show($"Tags ({Replica.SystemName})", string.Join(", ", replicated.ReplicaTags.Select(t => $"{t.TagKey}={t.TagValue}")));

        output.WriteLine();
        output.WriteLine("Done. Shared by the set: key ID, key material, key spec and usage, origin, rotation. Each key's own: policy, grants, aliases, tags, description, state.");
        return ExitCodes.Success;
    }
}
