using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Hosting;
using KmsLab.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Serve;

/// <summary>
/// The state file as a SQLite database: after any mix of operations it holds exactly the world
/// (only changed rows written), it is owner-only, a foreign or newer file is refused untouched, a
/// JSON state file of the previous release migrates whole, and the audit trail is kept, bounded, and exported.
/// </summary>
public sealed class StateDatabaseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-db-").FullName;

    private string StatePath => Path.Combine(_folder, "state.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MemoryStream Bytes(string s) => new(Encoding.UTF8.GetBytes(s));

    private LabOptions Options(string? stateFile = null, int auditRetention = DatabaseStateStore.DefaultAuditRetention) =>
        new() { TimeSource = new FakeTimeProvider(TestLab.Start), StateFile = stateFile, AuditRetention = auditRetention };

    /// <summary>
    /// Everything a world holds, in an order that does not depend on how it was stored (Regions,
    /// aliases and deleted IDs sorted; Regions without anything in them left out).
    /// </summary>
    private static string Canonical(WorldSnapshot snapshot)
    {
        var copy = StateFile.Read(WriteTemp(StateFile.Serialize(snapshot)));
        copy.Regions = copy.Regions!
            .Where(r => r.Keys!.Count + r.Aliases!.Count + r.DeletedKeyIds!.Count + (r.KeyStores?.Count ?? 0) > 0)
            .OrderBy(r => r.AccountId, StringComparer.Ordinal).ThenBy(r => r.Region, StringComparer.Ordinal).ToList();
        foreach (var r in copy.Regions)
        {
            r.Aliases = [.. r.Aliases!.OrderBy(a => a.Name, StringComparer.Ordinal)];
            r.DeletedKeyIds = [.. r.DeletedKeyIds!.Order()];
            if (r.KeyStores is { Count: 0 }) r.KeyStores = null;
        }
        return Encoding.UTF8.GetString(StateFile.Serialize(copy));
    }

    private static string WriteTemp(byte[] bytes)
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A bit of everything KMS keeps: keys of several kinds, aliases moved and deleted, tags, policies, grants retired and revoked, rotations (on demand and by the clock), deletions, multi-Region keys, imported material, lab users.</summary>
    private static async Task<(IAmazonKeyManagementService Kms, List<(byte[] Blob, string Plain)> Blobs)> WorkloadAsync(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var west = lab.CreateKmsClient(RegionEndpoint.EUWest1);
        var blobs = new List<(byte[], string)>();
        var a = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "a", Tags = [new Tag { TagKey = "team", TagValue = "blue" }] })).KeyMetadata;
        var b = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "b" })).KeyMetadata;
        var rsa = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/moved", TargetKeyId = a.KeyId });
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/deleted", TargetKeyId = a.KeyId });
        await kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = "alias/moved", TargetKeyId = b.KeyId });
        await kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/deleted" });
        await kms.TagResourceAsync(new TagResourceRequest { KeyId = b.KeyId, Tags = [new Tag { TagKey = "env", TagValue = "test" }, new Tag { TagKey = "gone", TagValue = "x" }] });
        await kms.UntagResourceAsync(new UntagResourceRequest { KeyId = b.KeyId, TagKeys = ["gone"] });
        await kms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = b.KeyId, Description = "b, described again" });
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest
        {
            KeyId = b.KeyId, PolicyName = "default",
            Policy = """{"Version":"2012-10-17","Statement":[{"Sid":"mine","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}""",
        });
        lab.CreateUser("alice");
        lab.PutIdentityPolicy("alice", "UseKeys", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}""");
        var kept = await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = a.KeyId, Name = "kept", GranteePrincipal = "arn:aws:iam::111122223333:user/alice", Operations = ["Encrypt", "Decrypt"] });
        var retired = await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = a.KeyId, GranteePrincipal = "arn:aws:iam::111122223333:user/alice", RetiringPrincipal = lab.AdminArn, Operations = ["Decrypt"] });
        await kms.RetireGrantAsync(new RetireGrantRequest { GrantToken = retired.GrantToken });
        var revoked = await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = b.KeyId, GranteePrincipal = "arn:aws:iam::111122223333:user/alice", Operations = ["Decrypt"] });
        await kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = b.KeyId, GrantId = revoked.GrantId });
        blobs.Add(((await kms.EncryptAsync(new EncryptRequest { KeyId = a.KeyId, Plaintext = Bytes("one") })).CiphertextBlob.ToArray(), "one"));
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = a.KeyId });
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = a.KeyId, RotationPeriodInDays = 90 });
        blobs.Add(((await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/moved", Plaintext = Bytes("two") })).CiphertextBlob.ToArray(), "two"));
        var doomed = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "doomed" })).KeyMetadata;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/doomed", TargetKeyId = doomed.KeyId });
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = doomed.KeyId, PendingWindowInDays = 7 });
        var spared = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "spared" })).KeyMetadata;
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = spared.KeyId, PendingWindowInDays = 7 });
        await kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = spared.KeyId });
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = rsa.KeyId });
        var primary = (await kms.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true, Description = "everywhere" })).KeyMetadata;
        await kms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "eu-west-1" });
        lab.Clock.Advance(TimeSpan.FromMinutes(1));
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = primary.KeyId });
        await kms.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "eu-west-1" });
        lab.Clock.Advance(TimeSpan.FromMinutes(1));
        blobs.Add(((await west.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes("west") })).CiphertextBlob.ToArray(), "west"));
        // A CloudHSM key store over a simulated cluster, connected, and a key in it.
        var cluster = KmsLab.Services.LabServiceExtensions.CreateCloudHsmCluster(lab, "kmsuser-password");
        var store = (await kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest { CustomKeyStoreName = "hsm", CloudHsmClusterId = cluster.ClusterId, TrustAnchorCertificate = cluster.TrustAnchorCertificate, KeyStorePassword = "kmsuser-password" })).CustomKeyStoreId;
        await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = store });
        lab.Clock.Advance(TimeSpan.FromMinutes(KmsFacts.CloudHsmConnectionMinutes));
        var inHsm = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = store })).KeyMetadata;
        blobs.Add(((await kms.EncryptAsync(new EncryptRequest { KeyId = inHsm.KeyId, Plaintext = Bytes("in the hsm") })).CiphertextBlob.ToArray(), "in the hsm"));
        var external = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata;
        await kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = external.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        // The clock alone: the doomed key goes (its alias with it), automatic rotations happen, the replica settles.
        lab.Clock.Advance(TimeSpan.FromDays(400));
        await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = a.KeyId });
        await kms.ListKeysAsync(new ListKeysRequest());
        Assert.Equal(5, (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = a.KeyId })).Rotations.Count);
        blobs.Add(((await kms.EncryptAsync(new EncryptRequest { KeyId = a.KeyId, Plaintext = Bytes("three"), GrantTokens = [kept.GrantToken] })).CiphertextBlob.ToArray(), "three"));
        return (kms, blobs);
    }

    [Fact]
    public async Task After_every_kind_of_change_the_database_holds_exactly_the_world_in_memory()
    {
        using var lab = Lab.Simulator(Options(StatePath));
        var (kms, _) = await WorkloadAsync(lab);
        // Commits happen after changing calls; a last one covers the reads before it (last uses).
        await kms.CreateKeyAsync(new CreateKeyRequest { Description = "last" });
        Assert.Equal(Canonical(lab.Snapshot()), Canonical(StatePersistenceTests.SavedWhileServing(StatePath)));
    }

    [Fact]
    public async Task A_commit_writes_the_rows_of_what_changed_not_the_world()
    {
        await using var served = await ServedLab.StartAsync(StatePath, Options());
        var kms = served.CreateClient();
        var keys = new List<string>();
        for (int i = 0; i < 40; i++) keys.Add((await kms.CreateKeyAsync(new CreateKeyRequest { Description = $"k{i}" })).KeyMetadata.KeyId);
        long before = served.Store!.KeyRowsWritten;
        await kms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = keys[17], Description = "changed" });
        Assert.Equal(1, served.Store.KeyRowsWritten - before);
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/one", TargetKeyId = keys[3] });
        Assert.Equal(2, served.Store.KeyRowsWritten - before); // the alias's key was resolved: one key row, and the alias row
        Assert.Equal("changed", StatePersistenceTests.SavedWhileServing(StatePath).Regions!.Single().Keys!.Single(k => k.KeyId == Guid.Parse(keys[17])).Description);
    }

    [Fact]
    public async Task Restarts_keep_every_acknowledged_change_and_ciphertexts_decrypt()
    {
        string canonical;
        List<(byte[] Blob, string Plain)> blobs;
        using (var lab = Lab.Simulator(Options(StatePath)))
        {
            (_, blobs) = await WorkloadAsync(lab);
            await lab.CreateKmsClient().CreateKeyAsync(new CreateKeyRequest());
            canonical = Canonical(lab.Snapshot());
        }
        using (var again = Lab.Simulator(Options(StatePath)))
        {
            Assert.Equal(canonical, Canonical(again.Snapshot()));
            var kms = again.CreateKmsClient();
            foreach (var (blob, plain) in blobs)
            {
                var region = plain == "west" ? RegionEndpoint.EUWest1 : RegionEndpoint.USEast1;
                var decrypted = await again.CreateKmsClient(region).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
                Assert.Equal(plain, Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()));
            }
        }
    }

    [Fact]
    public void The_in_process_simulator_stays_in_memory_unless_asked()
    {
        var before = Directory.GetFiles(_folder);
        using var lab = Lab.Simulator(Options());
        Assert.Null(lab.Adapter.InProcessState);
        Assert.Equal(before, Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task The_database_and_its_log_are_readable_by_their_owner_only()
    {
        await using (var served = await ServedLab.StartAsync(StatePath))
        {
            await served.CreateClient().CreateKeyAsync(new CreateKeyRequest());
            foreach (var file in new[] { StatePath, StatePath + "-wal" })
            {
                Assert.True(File.Exists(file), file);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
        File.SetUnixFileMode(StatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        await using (var served = await ServedLab.StartAsync(StatePath))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StatePath));
        }
        Assert.Equal(["state.db"], Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)).ToArray());
    }

    [Fact]
    public void A_SQLite_database_that_is_not_a_KmsLab_state_is_refused_and_left_byte_identical()
    {
        using (var connection = StateDatabase.Connect(StatePath, SqliteOpenMode.ReadWriteCreate))
        {
            connection.Open();
            StateDatabase.Execute(connection, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')");
        }
        var bytes = File.ReadAllBytes(StatePath);
        var e = Assert.Throws<InvalidDataException>(() => LabStateFile.Open(StatePath));
        Assert.Contains("not a KmsLab state", e.Message);
        Assert.Contains(StatePath, e.Message);
        Assert.Equal(bytes, File.ReadAllBytes(StatePath));
        Assert.Equal(["state.db"], Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)).ToArray());
    }

    [Fact]
    public async Task A_state_from_a_newer_KmsLab_is_refused_and_left_byte_identical()
    {
        await using (var served = await ServedLab.StartAsync(StatePath)) await served.CreateClient().CreateKeyAsync(new CreateKeyRequest());
        using (var connection = StateDatabase.Connect(StatePath, SqliteOpenMode.ReadWrite))
        {
            connection.Open();
            StateDatabase.Execute(connection, $"PRAGMA user_version={StateDatabase.CurrentVersion + 1}");
            StateDatabase.Execute(connection, "PRAGMA journal_mode=DELETE"); // nothing beside the file, so the whole state is its bytes
        }
        var bytes = File.ReadAllBytes(StatePath);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await KmsLab.Cli.Serve.ServeRunner.RunAsync(new KmsLab.Cli.Serve.ServeOptions(System.Net.IPAddress.Loopback, 0, StatePath, "us-east-1"), output, error, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains($"schema version {StateDatabase.CurrentVersion + 1}", error.ToString());
        Assert.Contains("newer KmsLab", error.ToString());
        Assert.Equal(bytes, File.ReadAllBytes(StatePath));
    }

    [Fact]
    public async Task A_database_of_an_older_schema_is_migrated_on_open()
    {
        using (var lab = Lab.Simulator(Options(StatePath))) await lab.CreateKmsClient().CreateKeyAsync(new CreateKeyRequest { Description = "from schema 1" });
        // Back to what the first schema step made: no audit table, no CloudHSM clusters, user_version 1.
        using (var connection = StateDatabase.Connect(StatePath, SqliteOpenMode.ReadWrite))
        {
            connection.Open();
            StateDatabase.Execute(connection, "DROP TABLE audit; DROP TABLE cloudhsm_clusters; PRAGMA user_version=1");
        }
        using (var lab = Lab.Simulator(Options(StatePath)))
        {
            var key = Assert.Single((await lab.CreateKmsClient().ListKeysAsync(new ListKeysRequest())).Keys);
            Assert.Equal("from schema 1", lab.Snapshot().Regions!.Single(r => r.Keys!.Count > 0).Keys!.Single(k => k.KeyId == Guid.Parse(key.KeyId)).Description);
        }
        using var check = StateDatabase.Connect(StatePath, SqliteOpenMode.ReadOnly);
        check.Open();
        Assert.Equal(StateDatabase.CurrentVersion, StateDatabase.Scalar(check, "PRAGMA user_version"));
        Assert.Equal(StateDatabase.ApplicationId, StateDatabase.Scalar(check, "PRAGMA application_id"));
        Assert.Equal(1, StateDatabase.Scalar(check, "SELECT COUNT(*) FROM audit")); // the ListKeys of the second run
    }

    [Fact]
    public async Task An_in_process_change_that_cannot_be_saved_is_a_KMSInternalException_and_the_next_commit_saves_it()
    {
        using var lab = Lab.Simulator(Options(StatePath));
        var kms = lab.CreateKmsClient();
        lab.Adapter.InProcessState!.Store.BeforeCommit = () => throw new IOException("No space left on device (simulated)");
        var e = await Assert.ThrowsAsync<KMSInternalException>(() => kms.CreateKeyAsync(new CreateKeyRequest { Description = "unsaved" }));
        Assert.Contains("could not save its state", e.Message);
        lab.Adapter.InProcessState.Store.BeforeCommit = null;
        await kms.CreateKeyAsync(new CreateKeyRequest { Description = "after" });
        Assert.Equal(["unsaved", "after"], StatePersistenceTests.SavedWhileServing(StatePath).Regions!.Single().Keys!.Select(k => k.Description ?? "").ToArray());
    }

    [Fact]
    public async Task A_JSON_state_file_of_the_previous_release_is_migrated_whole_and_kept_beside()
    {
        // Today's JSON state file, written by the JSON store itself.
        var lab = Lab.Simulator(Options());
        var (_, blobs) = await WorkloadAsync(lab);
        using (var json = StateStore.Open(StatePath)) json.Attach(lab);
        var original = File.ReadAllBytes(StatePath);
        var expected = Canonical(Lab.Restore(StateFile.Read(StatePath), Options()).Snapshot());

        using (var state = LabStateFile.Open(StatePath, Options()))
        {
            Assert.Equal(StatePath + ".json.bak", state.MigratedJsonBackup);
            Assert.Equal(original, File.ReadAllBytes(StatePath + ".json.bak"));
            Assert.True(StateDatabase.LooksLikeSqlite(StatePath));
            Assert.Equal(expected, Canonical(state.Lab.Snapshot()));
        }
        // Reopened from the database alone: every key, alias, grant, tag, policy and rotation is there, and ciphertexts decrypt.
        using var reopened = Lab.Simulator(Options(StatePath));
        Assert.Equal(expected, Canonical(reopened.Snapshot()));
        var kms = reopened.CreateKmsClient();
        var aliases = (await kms.ListAliasesAsync(new ListAliasesRequest())).Aliases.Where(a => !a.AliasName.StartsWith("alias/aws/", StringComparison.Ordinal)).Select(a => a.AliasName).ToList();
        Assert.Equal(["alias/moved"], aliases);
        var a = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/moved" })).KeyMetadata;
        Assert.Equal("b, described again", a.Description);
        Assert.Equal(["env=test"], (await kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = a.KeyId })).Tags.Select(t => $"{t.TagKey}={t.TagValue}"));
        Assert.Contains("\"mine\"", (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = a.KeyId })).Policy);
        foreach (var (blob, plain) in blobs)
        {
            var region = plain == "west" ? RegionEndpoint.EUWest1 : RegionEndpoint.USEast1;
            var decrypted = await reopened.CreateKmsClient(region).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
            Assert.Equal(plain, Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()));
        }
        var grants = (await kms.ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyId).ToList();
        Assert.Contains(grants, id => kms.ListGrantsAsync(new ListGrantsRequest { KeyId = id }).Result.Grants.Any(g => g.Name == "kept"));
    }

    [Fact]
    public async Task The_audit_trail_survives_restarts_bounded_by_the_retention_count_and_exports_as_CloudTrail_lines()
    {
        using (var lab = Lab.Simulator(Options(StatePath, auditRetention: 5)))
        {
            var kms = lab.CreateKmsClient();
            for (int i = 0; i < 4; i++) await kms.CreateKeyAsync(new CreateKeyRequest { Description = $"first run {i}" });
        }
        using (var lab = Lab.Simulator(Options(StatePath, auditRetention: 5)))
        {
            var kms = lab.CreateKmsClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }); // a read: saved with the next commit, or when the lab lets the file go
        }
        var output = new StringWriter();
        Assert.Equal(5, DatabaseStateStore.ExportAudit(StatePath, output));
        var records = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(["CreateKey", "CreateKey", "CreateKey", "CreateKey", "DescribeKey"], records.Select(r => (string)r["eventName"]!));
        Assert.All(records, r => Assert.Equal("kms.amazonaws.com", (string)r["eventSource"]!));
        Assert.Equal("1.11", (string)records[0]["eventVersion"]!);
        // The oldest of the first run's four was dropped: five kept.
        Assert.Equal(3, records.Count(r => r["requestParameters"]?["description"]?.GetValue<string>()?.StartsWith("first run", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Audit_export_reads_the_file_through_the_command_line()
    {
        using (var lab = Lab.Simulator(Options(StatePath))) await lab.CreateKmsClient().CreateKeyAsync(new CreateKeyRequest());
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await KmsLab.Cli.Commands.AuditCommand.ExportAsync(StatePath, output, error);
        Assert.Equal(0, exit);
        Assert.Equal("CreateKey", (string)JsonNode.Parse(output.ToString().Trim())!["eventName"]!);
        exit = await KmsLab.Cli.Commands.AuditCommand.ExportAsync(Path.Combine(_folder, "missing.db"), output, error);
        Assert.Equal(1, exit);
        Assert.Contains("missing.db", error.ToString());
    }
}
