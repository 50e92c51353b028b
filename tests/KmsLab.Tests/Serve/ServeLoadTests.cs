using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Serve;
using Xunit.Abstractions;

namespace KmsLab.Tests.Serve;

/// <summary>
/// 32 concurrent SDK clients x 500 mixed operations against one served simulator that keeps its
/// state in a file: no client sees an error, and afterwards — and again after a restart from the
/// state file — every key, alias, description, tag, rotation and ciphertext is as the clients left it.
/// </summary>
public sealed class ServeLoadTests(ITestOutputHelper log) : IDisposable
{
    private const int Clients = 32;
    private const int OperationsPerClient = 500;
    private const string SharedAlias = "alias/shared";
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-load-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Thirty_two_clients_times_500_mixed_operations_see_no_errors_and_lose_no_updates()
    {
        var statePath = Path.Combine(_folder, "state.json");
        var errors = new ConcurrentQueue<string>();
        var models = new ClientModel[Clients];
        string sharedKeyId;
        var watch = Stopwatch.StartNew();
        long writes;
        await using (var served = await ServedLab.StartAsync(statePath))
        {
            var admin = served.CreateClient();
            sharedKeyId = (await admin.CreateKeyAsync(new CreateKeyRequest { Description = "shared" })).KeyMetadata.KeyId;
            await admin.CreateAliasAsync(new CreateAliasRequest { AliasName = SharedAlias, TargetKeyId = sharedKeyId });

            var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
            {
                var model = models[i] = new ClientModel(i, served.CreateClient(), sharedKeyId);
                await model.RunAsync(OperationsPerClient, errors);
            })).ToArray();
            await Task.WhenAll(clients);
            log.WriteLine($"{Clients} clients x {OperationsPerClient} operations: {watch.Elapsed.TotalSeconds:F1} s ({Clients * OperationsPerClient / watch.Elapsed.TotalSeconds:F0} operations/s), {served.Store!.Writes} state file writes");
            writes = served.Store.Writes;
            Assert.True(errors.IsEmpty, $"{errors.Count} errors, first ones:\n" + string.Join('\n', errors.Take(10)));

            var verify = Stopwatch.StartNew();
            await VerifyAsync(served.CreateClient(), models, sharedKeyId);
            log.WriteLine($"verified in {verify.Elapsed.TotalSeconds:F1} s");
        }
        Assert.True(writes > 0);

        var restart = Stopwatch.StartNew();
        await using (var served = await ServedLab.StartAsync(statePath))
        {
            log.WriteLine($"restarted from a {new FileInfo(statePath).Length / 1024} KiB state file in {restart.Elapsed.TotalMilliseconds:F0} ms");
            await VerifyAsync(served.CreateClient(), models, sharedKeyId);
        }
        log.WriteLine($"total {watch.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task VerifyAsync(IAmazonKeyManagementService kms, ClientModel[] models, string sharedKeyId)
    {
        var expectedKeys = models.SelectMany(m => m.Keys).ToDictionary(k => k.KeyId);
        var listed = new List<string>();
        string? marker = null;
        for (int page = 0; page < 100; page++)
        {
            var response = await kms.ListKeysAsync(new ListKeysRequest { Limit = 100, Marker = marker });
            listed.AddRange(response.Keys.Select(k => k.KeyId));
            marker = response.NextMarker;
            if (response.Truncated != true) break;
        }
        Assert.Equal(expectedKeys.Keys.Append(sharedKeyId).Order(), listed.Order());

        var expectedAliases = models.SelectMany(m => m.Aliases).ToDictionary(a => a.Key, a => a.Value);
        expectedAliases[SharedAlias] = sharedKeyId;
        var aliases = new Dictionary<string, string>();
        marker = null;
        for (int page = 0; page < 100; page++)
        {
            var response = await kms.ListAliasesAsync(new ListAliasesRequest { Limit = 100, Marker = marker });
            foreach (var a in response.Aliases.Where(a => a.TargetKeyId is not null)) aliases.Add(a.AliasName, a.TargetKeyId); // not the predefined alias/aws/*
            marker = response.NextMarker;
            if (response.Truncated != true) break;
        }
        Assert.Equal(expectedAliases.OrderBy(a => a.Key), aliases.OrderBy(a => a.Key));

        // Every client's last tag on the shared key is there: concurrent updates of one key lose nothing.
        var sharedTags = (await kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = sharedKeyId })).Tags.ToDictionary(t => t.TagKey, t => t.TagValue);
        Assert.Equal(models.Where(m => m.SharedTagValue is not null).ToDictionary(m => $"client-{m.Index}", m => m.SharedTagValue!).OrderBy(t => t.Key), sharedTags.OrderBy(t => t.Key));

        await Parallel.ForEachAsync(expectedKeys.Values, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
        {
            var metadata = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }, ct)).KeyMetadata;
            Assert.Equal(key.Description, metadata.Description);
            Assert.Equal(key.Enabled, metadata.Enabled);
            var tags = (await kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId }, ct)).Tags.ToDictionary(t => t.TagKey, t => t.TagValue);
            Assert.Equal(key.Tags.OrderBy(t => t.Key), tags.OrderBy(t => t.Key));
            Assert.Equal(key.RotationEnabled, (await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId }, ct)).KeyRotationEnabled);
            Assert.Equal(key.OnDemandRotations, (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId }, ct)).Rotations.Count);
        });
        await Parallel.ForEachAsync(models.SelectMany(m => m.Blobs), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (blob, ct) =>
        {
            if (!blob.Key.Enabled) return;
            var plain = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.Ciphertext), EncryptionContext = blob.Context }, ct);
            Assert.Equal(blob.Plaintext, plain.Plaintext.ToArray());
            Assert.EndsWith(blob.Key.KeyId, plain.KeyId);
        });
    }

    private sealed class KeyModel(string keyId, string description)
    {
        public string KeyId { get; } = keyId;
        public string Description { get; set; } = description;
        public bool Enabled { get; set; } = true;
        public bool RotationEnabled { get; set; }
        public int OnDemandRotations { get; set; }
        public Dictionary<string, string> Tags { get; } = [];
    }

    private sealed record BlobModel(byte[] Ciphertext, byte[] Plaintext, KeyModel Key, Dictionary<string, string>? Context);

    /// <summary>One client: a seeded random walk over valid operations, and what it expects KMS to hold.</summary>
    private sealed class ClientModel(int index, IAmazonKeyManagementService kms, string sharedKeyId)
    {
        private readonly Random _random = new(index);
        private readonly Dictionary<string, KeyModel> _byId = [];

        public int Index { get; } = index;
        public List<KeyModel> Keys { get; } = [];
        public Dictionary<string, string> Aliases { get; } = [];
        public List<BlobModel> Blobs { get; } = [];
        public string? SharedTagValue { get; private set; }

        public async Task RunAsync(int operations, ConcurrentQueue<string> errors)
        {
            await CreateKeyAsync();
            var shared = new KeyModel(sharedKeyId, "shared");
            for (int n = 0; n < operations; n++)
            {
                var (name, operation) = Pick(shared, n);
                try
                {
                    await operation();
                }
                catch (Exception e)
                {
                    errors.Enqueue($"client {Index}, operation {n} ({name}): {e.GetType().Name}: {e.Message}");
                }
            }
        }

        private (string, Func<Task>) Pick(KeyModel shared, int n)
        {
            var enabled = Keys.Where(k => k.Enabled).ToList();
            var any = Keys[_random.Next(Keys.Count)];
            KeyModel? usable = enabled.Count > 0 ? enabled[_random.Next(enabled.Count)] : null;
            int roll = _random.Next(100);
            if (usable is null) return ("EnableKey", () => EnableAsync(any));
            return roll switch
            {
                < 6 when Keys.Count < 25 => ("CreateKey", CreateKeyAsync),
                < 12 => ("CreateAlias", () => CreateAliasAsync(any, $"alias/c{Index}/a{n}")),
                < 15 when Aliases.Count > 0 => ("UpdateAlias", () => UpdateAliasAsync(Aliases.Keys.ElementAt(_random.Next(Aliases.Count)), any)),
                < 17 when Aliases.Count > 0 => ("DeleteAlias", () => DeleteAliasAsync(Aliases.Keys.ElementAt(_random.Next(Aliases.Count)))),
                < 37 => ("Encrypt", () => EncryptAsync(usable)),
                < 53 when Blobs.Any(b => b.Key.Enabled) => ("Decrypt", DecryptAsync),
                < 58 when Blobs.Any(b => b.Key.Enabled) => ("ReEncrypt", () => ReEncryptAsync(usable)),
                < 66 => ("GenerateDataKey", () => GenerateDataKeyAsync(usable)),
                < 68 => ("GenerateRandom", GenerateRandomAsync),
                < 73 => ("DescribeKey", () => DescribeAsync(any)),
                < 77 => ("UpdateKeyDescription", () => DescribeAsNewAsync(any, $"c{Index} n{n}")),
                < 81 => ("TagResource", () => TagAsync(any, $"t{_random.Next(8)}", $"v{n}")),
                < 83 when any.Tags.Count > 0 => ("UntagResource", () => UntagAsync(any, any.Tags.Keys.First())),
                < 85 when enabled.Count > 1 => ("DisableKey", () => DisableAsync(usable)),
                < 88 => ("EnableKey", () => EnableAsync(any)),
                < 90 => ("EnableKeyRotation", () => EnableRotationAsync(usable)),
                < 92 when usable.OnDemandRotations < 25 => ("RotateKeyOnDemand", () => RotateAsync(usable)),
                < 94 => ("ListAliases", () => ListAliasesAsync(any)),
                < 97 => ("EncryptShared", () => EncryptAsync(shared, SharedAlias)),
                _ => ("TagShared", () => TagSharedAsync($"v{n}")),
            };
        }

        private async Task CreateKeyAsync()
        {
            var description = $"client {Index} key {Keys.Count}";
            var id = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = description })).KeyMetadata.KeyId;
            var key = new KeyModel(id, description);
            Keys.Add(key);
            _byId[id] = key;
        }

        private async Task CreateAliasAsync(KeyModel key, string alias)
        {
            await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key.KeyId });
            Aliases[alias] = key.KeyId;
        }

        private async Task UpdateAliasAsync(string alias, KeyModel key)
        {
            await kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = alias, TargetKeyId = key.KeyId });
            Aliases[alias] = key.KeyId;
        }

        private async Task DeleteAliasAsync(string alias)
        {
            await kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = alias });
            Aliases.Remove(alias);
        }

        private Dictionary<string, string>? RandomContext() => _random.Next(3) == 0 ? null : new() { ["client"] = Index.ToString(System.Globalization.CultureInfo.InvariantCulture), ["n"] = _random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture) };

        private async Task EncryptAsync(KeyModel key, string? keyId = null)
        {
            var plaintext = new byte[1 + _random.Next(512)];
            _random.NextBytes(plaintext);
            var context = RandomContext();
            // Address the key every way KMS allows: ID, ARN, or one of its aliases.
            keyId ??= Aliases.FirstOrDefault(a => a.Value == key.KeyId).Key ?? key.KeyId;
            var response = await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext), EncryptionContext = context });
            Assert.EndsWith(key.KeyId, response.KeyId);
            Blobs.Add(new BlobModel(response.CiphertextBlob.ToArray(), plaintext, key, context));
        }

        private async Task DecryptAsync()
        {
            var candidates = Blobs.Where(b => b.Key.Enabled).ToList();
            var blob = candidates[_random.Next(candidates.Count)];
            var response = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.Ciphertext), EncryptionContext = blob.Context });
            Assert.Equal(blob.Plaintext, response.Plaintext.ToArray());
        }

        private async Task ReEncryptAsync(KeyModel destination)
        {
            var candidates = Blobs.Where(b => b.Key.Enabled).ToList();
            var blob = candidates[_random.Next(candidates.Count)];
            var response = await kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob.Ciphertext), SourceEncryptionContext = blob.Context, DestinationKeyId = destination.KeyId });
            Blobs.Add(new BlobModel(response.CiphertextBlob.ToArray(), blob.Plaintext, destination, null));
        }

        private async Task GenerateDataKeyAsync(KeyModel key)
        {
            var response = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
            Assert.Equal(32, response.Plaintext.Length);
            Blobs.Add(new BlobModel(response.CiphertextBlob.ToArray(), response.Plaintext.ToArray(), key, null));
        }

        private async Task GenerateRandomAsync() => Assert.Equal(64, (await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 64 })).Plaintext.Length);

        private async Task DescribeAsync(KeyModel key)
        {
            var metadata = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
            Assert.Equal(key.Description, metadata.Description);
            Assert.Equal(key.Enabled, metadata.Enabled);
        }

        private async Task DescribeAsNewAsync(KeyModel key, string description)
        {
            await kms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = key.KeyId, Description = description });
            key.Description = description;
        }

        private async Task TagAsync(KeyModel key, string tagKey, string value)
        {
            await kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag { TagKey = tagKey, TagValue = value }] });
            key.Tags[tagKey] = value;
        }

        private async Task UntagAsync(KeyModel key, string tagKey)
        {
            await kms.UntagResourceAsync(new UntagResourceRequest { KeyId = key.KeyId, TagKeys = [tagKey] });
            key.Tags.Remove(tagKey);
        }

        private async Task TagSharedAsync(string value)
        {
            await kms.TagResourceAsync(new TagResourceRequest { KeyId = sharedKeyId, Tags = [new Tag { TagKey = $"client-{Index}", TagValue = value }] });
            SharedTagValue = value;
        }

        private async Task DisableAsync(KeyModel key)
        {
            await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
            key.Enabled = false;
        }

        private async Task EnableAsync(KeyModel key)
        {
            await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key.KeyId });
            key.Enabled = true;
        }

        private async Task EnableRotationAsync(KeyModel key)
        {
            await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId });
            key.RotationEnabled = true;
        }

        private async Task RotateAsync(KeyModel key)
        {
            await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
            key.OnDemandRotations++;
        }

        private async Task ListAliasesAsync(KeyModel key)
        {
            var listed = (await kms.ListAliasesAsync(new ListAliasesRequest { KeyId = key.KeyId })).Aliases.Select(a => a.AliasName).Order();
            Assert.Equal(Aliases.Where(a => a.Value == key.KeyId).Select(a => a.Key).Order(), listed);
        }
    }
}
