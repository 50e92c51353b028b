using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Serve;
using KmsLab.Persistence;
using KmsLab.Tests.Asymmetric;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Serve;

/// <summary>
/// <c>--state FILE</c>: keys, every material version, aliases, tags, policies, deletions and the
/// clock survive a restart; writes are atomic and owner-only; a bad file is refused clearly.
/// </summary>
public sealed class StatePersistenceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-state-").FullName;

    private string StatePath => Path.Combine(_folder, "state.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MemoryStream Bytes(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task A_snapshot_restores_every_key_material_alias_tag_policy_deletion_and_the_clock()
    {
        var before = new TestLab();
        var kms = before.Kms;
        var policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}""";
        var rotated = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "rotated", Tags = [new Tag { TagKey = "team", TagValue = "blue" }, new Tag { TagKey = "env", TagValue = "" }] })).KeyMetadata;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/rotated", TargetKeyId = rotated.KeyId });
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/second/name", TargetKeyId = rotated.KeyId });
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = rotated.KeyId, PolicyName = "default", Policy = policy });
        var context = new Dictionary<string, string> { ["purpose"] = "restore" };
        var blobs = new List<MemoryStream> { (await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/rotated", Plaintext = Bytes("v1"), EncryptionContext = context })).CiphertextBlob };
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = rotated.KeyId });
        blobs.Add((await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/rotated", Plaintext = Bytes("v2"), EncryptionContext = context })).CiphertextBlob);
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = rotated.KeyId, RotationPeriodInDays = 90 });
        before.Lab.Clock.Advance(TimeSpan.FromDays(91));
        blobs.Add((await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/rotated", Plaintext = Bytes("v3"), EncryptionContext = context })).CiphertextBlob);

        var disabled = await before.CreateKeyAsync("disabled");
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = disabled.KeyId });
        var pending = await before.CreateKeyAsync("pending deletion");
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = pending.KeyId, PendingWindowInDays = 30 });
        var deleted = await before.CreateKeyAsync("deleted");
        var deletedBlob = (await kms.EncryptAsync(new EncryptRequest { KeyId = deleted.KeyId, Plaintext = Bytes("gone") })).CiphertextBlob;
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = deleted.KeyId, PendingWindowInDays = 7 });
        before.Lab.Clock.Advance(TimeSpan.FromDays(8));
        var elsewhere = (await before.Lab.CreateKmsClient(Amazon.RegionEndpoint.EUWest1).CreateKeyAsync(new CreateKeyRequest { Description = "in Ireland" })).KeyMetadata;

        // IAM: a new user and role with identity policies, a default policy removed; a grant on a key.
        before.Lab.CreateUser("alice");
        before.Lab.CreateRole("auditor");
        before.Lab.PutIdentityPolicy("alice", "UseKeys", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}""");
        before.Lab.PutIdentityPolicy("auditor", "Read", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Describe*","Resource":"*"}]}""");
        Assert.True(before.Lab.DeleteIdentityPolicy(Lab.KeyUserName, "KmsLabListKeys"));
        var grant = await kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = rotated.KeyId,
            Name = "for-alice",
            GranteePrincipal = "arn:aws:iam::111122223333:user/alice",
            RetiringPrincipal = "arn:aws:iam::111122223333:role/auditor",
            Operations = ["Encrypt", "Decrypt"],
            Constraints = new GrantConstraints { EncryptionContextSubset = new Dictionary<string, string> { ["purpose"] = "restore" } },
        });

        // Save through the state file, as kmslab serve does, and build a new lab from it.
        using (var store = StateStore.Open(StatePath)) store.Attach(before.Lab);
        WorldSnapshot saved;
        using (var store = StateStore.Open(StatePath)) saved = store.ReadExisting()!;
        var after = Lab.Restore(saved, new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
        var restored = after.CreateKmsClient();

        Assert.Equal(before.Lab.Clock.GetUtcNow(), after.Clock.GetUtcNow());
        static string Principals(Lab lab) => JsonSerializer.Serialize(lab.World.Principals.All.OrderBy(p => p.Arn, StringComparer.Ordinal)
            .Select(p => new { p.Arn, p.Kind, p.AccessKeyId, p.SecretAccessKey, Policies = p.IdentityPolicyTexts.OrderBy(x => x.Key, StringComparer.Ordinal).ToList() }));
        Assert.Equal(Principals(before.Lab), Principals(after));
        Assert.Contains("auditor", Principals(after));
        Assert.DoesNotContain("KmsLabListKeys", JsonSerializer.Serialize(after.World.Principals.Find(Lab.KeyUserName, after.AccountId)!.IdentityPolicyTexts));
        static string Grants(Lab lab, string keyId) => JsonSerializer.Serialize(lab.World.Region(lab.AccountId, "us-east-1").Find(Guid.Parse(keyId))!.Grants
            .Select(g => new { g.GrantId, g.Name, g.CreationDate, g.GranteePrincipal, g.RetiringPrincipal, g.IssuingAccount, g.Operations, g.EncryptionContextEquals, g.EncryptionContextSubset, Key = g.Key.KeyId }));
        Assert.Equal(Grants(before.Lab, rotated.KeyId), Grants(after, rotated.KeyId));
        Assert.Contains("for-alice", Grants(after, rotated.KeyId));
        await AssertSameViewAsync(kms, restored);
        await AssertSameViewAsync(before.Lab.CreateKmsClient(Amazon.RegionEndpoint.EUWest1), after.CreateKmsClient(Amazon.RegionEndpoint.EUWest1));
        // A grant token issued before the restart still names its grant (this use is the restored key's last use, so it comes after the comparison).
        await restored.EncryptAsync(new EncryptRequest { KeyId = rotated.KeyId, Plaintext = Bytes("with token"), EncryptionContext = context, GrantTokens = [grant.GrantToken] });
        await after.CreateKmsClient("auditor").RetireGrantAsync(new RetireGrantRequest { GrantToken = grant.GrantToken });
        Assert.Empty((await restored.ListGrantsAsync(new ListGrantsRequest { KeyId = rotated.KeyId })).Grants);
        for (int i = 0; i < blobs.Count; i++)
        {
            var plain = await restored.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blobs[i].ToArray()), EncryptionContext = context });
            Assert.Equal($"v{i + 1}", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
        }
        await Assert.ThrowsAsync<NotFoundException>(() => restored.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(deletedBlob.ToArray()) }));
        Assert.Equal("in Ireland", (await after.CreateKmsClient(Amazon.RegionEndpoint.EUWest1).DescribeKeyAsync(new DescribeKeyRequest { KeyId = elsewhere.KeyId })).KeyMetadata.Description);

        // The restored world goes on: the next automatic rotation and the pending deletion still happen.
        after.Clock.Advance(TimeSpan.FromDays(90));
        Assert.Equal(3, (await restored.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = rotated.KeyId })).Rotations.Count);
        after.Clock.Advance(TimeSpan.FromDays(30));
        await Assert.ThrowsAsync<NotFoundException>(() => restored.DescribeKeyAsync(new DescribeKeyRequest { KeyId = pending.KeyId }));
    }

    [Fact]
    public async Task A_snapshot_restores_key_pairs_hmac_keys_imported_material_and_open_import_tokens()
    {
        var before = new TestLab().Pooled();
        var kms = before.Kms;
        var rsa = await before.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var ecc = await before.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var hmac = await before.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        var external = await before.CreateKeyAsync("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", origin: "EXTERNAL");
        var material = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await before.ImportAsync(external.KeyId, material, validTo: TestLab.Start.AddDays(30).UtcDateTime);
        var awaiting = await before.CreateKeyAsync("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", origin: "EXTERNAL");
        var parameters = await kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = awaiting.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });

        var rsaBlob = (await kms.EncryptAsync(new EncryptRequest { KeyId = rsa.KeyId, Plaintext = Bytes("rsa"), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 })).CiphertextBlob.ToArray();
        var signature = (await kms.SignAsync(new SignRequest { KeyId = ecc.KeyId, Message = Bytes("signed"), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).Signature.ToArray();
        var mac = (await kms.GenerateMacAsync(new GenerateMacRequest { KeyId = hmac.KeyId, Message = Bytes("mac"), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 })).Mac.ToArray();
        var externalBlob = (await kms.EncryptAsync(new EncryptRequest { KeyId = external.KeyId, Plaintext = Bytes("imported") })).CiphertextBlob.ToArray();

        using (var store = StateStore.Open(StatePath)) store.Attach(before.Lab);
        var after = Lab.Restore(StateFile.Read(StatePath), new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
        var restored = after.CreateKmsClient();

        await AssertSameViewAsync(kms, restored);
        foreach (var key in new[] { rsa, ecc })
        {
            Assert.Equal((await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray(), (await restored.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray());
        }
        var plain = await restored.DecryptAsync(new DecryptRequest { KeyId = rsa.KeyId, CiphertextBlob = new MemoryStream(rsaBlob), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 });
        Assert.Equal("rsa", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
        Assert.True((await restored.VerifyAsync(new VerifyRequest { KeyId = ecc.KeyId, Message = Bytes("signed"), Signature = new MemoryStream(signature), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).SignatureValid);
        Assert.True((await restored.VerifyMacAsync(new VerifyMacRequest { KeyId = hmac.KeyId, Message = Bytes("mac"), Mac = new MemoryStream(mac), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 })).MacValid);
        plain = await restored.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(externalBlob) });
        Assert.Equal("imported", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
        var metadata = (await restored.DescribeKeyAsync(new DescribeKeyRequest { KeyId = external.KeyId })).KeyMetadata;
        Assert.Equal(ExpirationModelType.KEY_MATERIAL_EXPIRES, metadata.ExpirationModel);
        Assert.Equal(TestLab.Start.AddDays(30).UtcDateTime, metadata.ValidTo);

        // The import token from before the restart opens (the world's secrets were kept).
        await restored.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = awaiting.KeyId,
            ImportToken = parameters.ImportToken,
            EncryptedKeyMaterial = new MemoryStream(AsymmetricTestSupport.Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", material)),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        });
        Assert.Equal(KeyState.Enabled, (await restored.DescribeKeyAsync(new DescribeKeyRequest { KeyId = awaiting.KeyId })).KeyMetadata.KeyState);

        // Imported material still expires on time after the restore.
        after.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(KeyState.PendingImport, (await restored.DescribeKeyAsync(new DescribeKeyRequest { KeyId = external.KeyId })).KeyMetadata.KeyState);
    }

    /// <summary>Everything a client can read about every key and alias is the same through both clients.</summary>
    private static async Task AssertSameViewAsync(IAmazonKeyManagementService expected, IAmazonKeyManagementService actual)
    {
        static string Json(object o) => JsonSerializer.Serialize(o, new JsonSerializerOptions { WriteIndented = true });
        var keys = (await expected.ListKeysAsync(new ListKeysRequest())).Keys;
        Assert.Equal(Json(keys.Select(k => k.KeyArn)), Json((await actual.ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyArn)));
        Assert.Equal(Json(await Aliases(expected)), Json(await Aliases(actual)));
        foreach (var key in keys)
        {
            Assert.Equal(Json(await Describe(expected, key.KeyId)), Json(await Describe(actual, key.KeyId)));
        }
    }

    private static async Task<object> Aliases(IAmazonKeyManagementService kms) =>
        (await kms.ListAliasesAsync(new ListAliasesRequest())).Aliases.Select(a => new { a.AliasName, a.AliasArn, a.TargetKeyId, a.CreationDate, a.LastUpdatedDate }).ToList();

    private static async Task<object> Describe(IAmazonKeyManagementService kms, string keyId)
    {
        var m = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;
        var tags = (await kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = keyId })).Tags.Select(t => $"{t.TagKey}={t.TagValue}").ToList();
        var policy = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = keyId, PolicyName = "default" })).Policy;
        bool rotates = m.KeySpec == KeySpec.SYMMETRIC_DEFAULT && m.Origin == OriginType.AWS_KMS;
        var rotation = rotates ? await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId }) : null;
        var rotations = rotates ? (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId })).Rotations.Select(r => new { r.KeyMaterialId, r.RotationDate, RotationType = r.RotationType?.Value }).ToList() : null;
        var used = (await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = keyId })) is var u
            ? new { u.TrackingStartDate, Operation = u.KeyLastUsage?.Operation?.Value, u.KeyLastUsage?.Timestamp, u.KeyLastUsage?.KmsRequestId, u.KeyLastUsage?.CloudTrailEventId }
            : null;
        return new
        {
            m.Arn, m.CreationDate, m.Description, m.Enabled, KeyState = m.KeyState.Value, m.DeletionDate, m.PendingDeletionWindowInDays, KeySpec = m.KeySpec.Value,
            KeyUsage = m.KeyUsage.Value, Origin = m.Origin.Value, m.CurrentKeyMaterialId, m.ValidTo, ExpirationModel = m.ExpirationModel?.Value,
            m.EncryptionAlgorithms, m.SigningAlgorithms,
            m.MacAlgorithms, tags, policy,
            rotation?.KeyRotationEnabled, rotation?.RotationPeriodInDays, rotation?.NextRotationDate, rotations, used,
        };
    }

    [Fact]
    public async Task The_state_file_is_readable_by_its_owner_only_and_leaves_no_temporary_files()
    {
        await File.WriteAllTextAsync(StatePath, "");
        File.SetUnixFileMode(StatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Delete(StatePath);
        await using (var served = await ServedLab.StartAsync(StatePath))
        {
            await served.CreateClient().CreateKeyAsync(new CreateKeyRequest());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StatePath));
        }
        // An existing file with a wider mode is replaced by an owner-only one.
        File.SetUnixFileMode(StatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        await using (var served = await ServedLab.StartAsync(StatePath))
        {
            await served.CreateClient().CreateKeyAsync(new CreateKeyRequest());
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StatePath));
        Assert.Equal(["state.json"], Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)).ToArray());
    }

    [Fact]
    public async Task Keys_aliases_rotations_and_a_ciphertext_survive_a_restart_of_the_server()
    {
        string keyId;
        byte[] blob;
        await using (var served = await ServedLab.StartAsync(StatePath))
        {
            var kms = served.CreateClient();
            keyId = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "survivor" })).KeyMetadata.KeyId;
            await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/survivor", TargetKeyId = keyId });
            blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/survivor", Plaintext = Bytes("before the restart") })).CiphertextBlob.ToArray();
            await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = keyId });
            await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = keyId });
        }
        await using (var served = await ServedLab.StartAsync(StatePath))
        {
            var kms = served.CreateClient();
            var plain = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
            Assert.Equal("before the restart", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
            Assert.EndsWith(keyId, plain.KeyId);
            Assert.Equal("survivor", (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/survivor" })).KeyMetadata.Description);
            Assert.True((await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId })).KeyRotationEnabled);
            Assert.Single((await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId })).Rotations);
        }
    }

    [Fact]
    public async Task What_a_writer_killed_mid_write_leaves_behind_is_ignored_and_cleaned_up()
    {
        byte[] blob;
        await using (var served = await ServedLab.StartAsync(StatePath))
        {
            var kms = served.CreateClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
            blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("intact") })).CiphertextBlob.ToArray();
        }
        // A kill during a write leaves a half-written temporary file; the state file itself is the previous one.
        var full = await File.ReadAllBytesAsync(StatePath);
        var leftover = Path.Combine(_folder, StateFile.TempPrefix(StatePath) + "12345");
        await File.WriteAllBytesAsync(leftover, full.AsSpan(0, full.Length / 2).ToArray());
        await File.WriteAllTextAsync(StatePath + ".lock", "");

        await using (var served = await ServedLab.StartAsync(StatePath))
        {
            var plain = await served.CreateClient().DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
            Assert.Equal("intact", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
            Assert.False(File.Exists(leftover));
        }
    }

    [Fact]
    public async Task A_change_that_cannot_be_saved_is_a_500_not_a_success_and_the_next_commit_saves_it()
    {
        await using var served = await ServedLab.StartAsync(StatePath);
        var kms = served.CreateClient();
        await kms.CreateKeyAsync(new CreateKeyRequest());
        served.Store!.BeforeCommit = () => throw new IOException("No space left on device (simulated)");
        var e = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => kms.CreateKeyAsync(new CreateKeyRequest { Description = "unsaved" }));
        Assert.Equal("KMSInternalException", e.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, e.StatusCode);
        // The key is in memory but not in the file; once the file can be written again, the next
        // commit saves it too (a failed commit's changes are marked again), before "after" is acknowledged.
        served.Store.BeforeCommit = null;
        await kms.CreateKeyAsync(new CreateKeyRequest { Description = "after" });
        var saved = SavedWhileServing(StatePath);
        Assert.Equal(["", "unsaved", "after"], saved.Regions!.Single().Keys!.Select(k => k.Description ?? "(none)").ToArray());
    }

    /// <summary>What the state file holds now, read as another process would (read-only, without taking the file).</summary>
    internal static WorldSnapshot SavedWhileServing(string path)
    {
        using var connection = StateDatabase.Connect(path, Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly);
        connection.Open();
        return DatabaseStateStore.Read(connection, path)!;
    }

    [Fact]
    public async Task A_second_server_on_the_same_state_file_is_refused()
    {
        await using var first = await ServedLab.StartAsync(StatePath);
        var e = await Assert.ThrowsAsync<IOException>(() => ServedLab.StartAsync(StatePath));
        Assert.Contains("in use by another kmslab process", e.Message);
    }

    private const string KeyPolicyJson = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}""";

    public static TheoryData<string, string> BadFiles() => new()
    {
        { "", "is empty" },
        { "{\"format\":", "is not valid KmsLab state JSON" },
        { "null", "JSON null" },
        { "{\"format\":\"something-else\",\"version\":1}", "not a KmsLab state file" },
        { "{\"format\":\"kmslab-state\",\"version\":99,\"clock\":{}}", "format version 99" },
        { "{\"format\":\"kmslab-state\",\"version\":1}", "has no clock" },
        { "{\"format\":\"kmslab-state\",\"version\":1,\"clock\":{},\"regions\":[{\"accountId\":\"111122223333\",\"region\":\"us-east-1\",\"keys\":[{\"keyId\":\"0b0e4f5e-5a4c-4a7e-9e6e-1f2a3b4c5d6e\",\"keySpec\":\"SYMMETRIC_DEFAULT\",\"keyUsage\":\"ENCRYPT_DECRYPT\",\"origin\":\"AWS_KMS\",\"policy\":" + JsonSerializer.Serialize(KeyPolicyJson) + ",\"state\":\"Enabled\"}]}]}", "has no key material" },
        { "{\"format\":\"kmslab-state\",\"version\":1,\"clock\":{},\"regions\":[{\"accountId\":\"111122223333\",\"region\":\"us-east-1\",\"keys\":[{\"keyId\":\"0b0e4f5e-5a4c-4a7e-9e6e-1f2a3b4c5d6e\",\"keySpec\":\"SYMMETRIC_DEFAULT\",\"keyUsage\":\"ENCRYPT_DECRYPT\",\"origin\":\"AWS_KMS\",\"policy\":\"{}\",\"state\":\"Enabled\"}]}]}", "is not a valid policy" },
        { "{\"format\":\"kmslab-state\",\"version\":1,\"clock\":{},\"principals\":[{\"accountId\":\"111122223333\",\"name\":\"x\",\"kind\":\"Group\"}]}", "unknown kind 'Group'" },
        { "{\"format\":\"kmslab-state\",\"version\":1,\"clock\":{},\"regions\":[{\"accountId\":\"111122223333\",\"region\":\"us-east-1\",\"aliases\":[{\"name\":\"alias/x\",\"targetKeyId\":\"0b0e4f5e-5a4c-4a7e-9e6e-1f2a3b4c5d6e\"}]}]}", "which is not in the file" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_state_file_is_refused_with_a_message_that_says_what_is_wrong(string contents, string expected)
    {
        await File.WriteAllTextAsync(StatePath, contents);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await ServeRunner.RunAsync(new ServeOptions(System.Net.IPAddress.Loopback, 0, StatePath, "us-east-1"), output, error, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains(expected, error.ToString());
        Assert.Contains(StatePath, error.ToString());
        Assert.Equal(contents, await File.ReadAllTextAsync(StatePath)); // never overwritten
    }
}
