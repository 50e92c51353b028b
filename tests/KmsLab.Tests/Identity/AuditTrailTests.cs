using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Identity;

public class AuditTrailTests
{
    [Fact]
    public async Task Every_call_allowed_or_denied_becomes_a_CloudTrail_shaped_event()
    {
        var lab = new TestLab();
        var key = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest { Description = "audited" })).KeyMetadata;
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("hello"), EncryptionContext = new() { ["purpose"] = "audit" } })).CiphertextBlob;
        await KmsAssert.Code("AccessDeniedException", () => lab.Lab.CreateKmsClient("myKeyUser").DecryptAsync(new DecryptRequest { CiphertextBlob = blob, EncryptionContext = new() { ["purpose"] = "audit" } }));

        var trail = lab.Lab.AuditTrail;
        Assert.Equal(["CreateKey", "Encrypt", "Decrypt"], trail.Events.Select(e => e.EventName));
        var encrypt = trail.Query(operation: "Encrypt").Single();
        Assert.Equal(TestLab.Start, encrypt.EventTime);
        Assert.Equal("us-east-1", encrypt.AwsRegion);
        Assert.Equal("IAMUser", encrypt.UserIdentity.Type);
        Assert.Equal(lab.Lab.AdminArn, encrypt.UserIdentity.Arn);
        Assert.Equal([key.Arn], encrypt.ResourceArns);
        Assert.True(encrypt.Succeeded);
        Assert.Equal("audit", encrypt.RequestParameters!["encryptionContext"]!["purpose"]!.GetValue<string>());
        Assert.Equal(key.KeyId, encrypt.RequestParameters["keyId"]!.GetValue<string>());
        Assert.Null(encrypt.ResponseElements);

        var denied = trail.Query(errorCode: "AccessDeniedException").Single();
        Assert.Equal("Decrypt", denied.EventName);
        Assert.Contains("myKeyUser", denied.ErrorMessage);
        Assert.Equal([key.Arn], denied.ResourceArns);
        Assert.Equal(denied.EventId, trail.Query(principal: "myKeyUser").Single().EventId);
        Assert.Equal(3, trail.Query(key: key.KeyId).Count);

        var created = trail.Query(operation: "CreateKey").Single();
        Assert.Equal(key.Arn, created.ResponseElements!["keyMetadata"]!["arn"]!.GetValue<string>());

        using var json = JsonDocument.Parse(encrypt.ToJson());
        var root = json.RootElement;
        foreach (var field in new[] { "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "requestParameters", "responseElements", "requestID", "eventID", "resources", "eventType", "recipientAccountId" })
        {
            Assert.True(root.TryGetProperty(field, out _), field);
        }
        Assert.Equal("kms.amazonaws.com", root.GetProperty("eventSource").GetString());
        Assert.Equal("AWS::KMS::Key", root.GetProperty("resources")[0].GetProperty("type").GetString());

        var lines = new StringWriter();
        trail.ExportJsonLines(lines);
        var exported = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, exported.Length);
        Assert.All(exported, line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task No_event_of_a_full_run_holds_a_plaintext_a_data_key_or_a_ciphertext()
    {
        var lab = new TestLab();
        var kms = lab.Kms;
        var secrets = new List<byte[]>();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var other = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/audit", TargetKeyId = key.KeyId });
        for (int i = 0; i < 5; i++)
        {
            var plaintext = Encoding.UTF8.GetBytes($"TOP-SECRET-PLAINTEXT-{i}-{Guid.NewGuid():N}");
            secrets.Add(plaintext);
            var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/audit", Plaintext = Bytes.Stream(plaintext), EncryptionContext = new() { ["i"] = i.ToString() } });
            secrets.Add(encrypted.CiphertextBlob.ToArray());
            await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = new() { ["i"] = i.ToString() } });
            var moved = await kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(encrypted.CiphertextBlob.ToArray()), SourceEncryptionContext = new() { ["i"] = i.ToString() }, DestinationKeyId = other.KeyId });
            secrets.Add(moved.CiphertextBlob.ToArray());
            var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
            secrets.Add(dataKey.Plaintext.ToArray());
            secrets.Add(dataKey.CiphertextBlob.ToArray());
            secrets.Add((await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32 })).Plaintext.ToArray());
            // A denied call carries a plaintext too.
            await KmsAssert.Code("AccessDeniedException", () => lab.Lab.CreateKmsClient("myKeyManager").EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream(plaintext) }));
            await KmsAssert.Validation(() => kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream(plaintext.Concat(new byte[4096]).ToArray()) }));
        }
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });

        var exported = new StringWriter();
        lab.Lab.AuditTrail.ExportJsonLines(exported);
        var text = exported.ToString();
        Assert.Equal(39, lab.Lab.AuditTrail.Events.Count);
        foreach (var secret in secrets)
        {
            foreach (var form in new[] { Convert.ToBase64String(secret), Convert.ToHexString(secret), Convert.ToHexStringLower(secret), Encoding.UTF8.GetString(secret) })
            {
                Assert.DoesNotContain(form, text, StringComparison.Ordinal);
            }
        }
        Assert.DoesNotContain("TOP-SECRET", text, StringComparison.Ordinal);
    }
}

public class AuditTrailCapacityTests
{
    [Fact]
    public async Task The_trail_keeps_the_most_recent_events_and_counts_the_dropped()
    {
        var lab = Lab.Simulator(new LabOptions { AuditCapacity = 5 });
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        for (int i = 0; i < 9; i++) await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key });
        await kms.ListKeysAsync(new ListKeysRequest { Limit = 7 });
        var events = lab.AuditTrail.Events;
        Assert.Equal(5, events.Count);
        Assert.Equal(6, lab.AuditTrail.Dropped); // 11 calls, 5 kept
        Assert.Equal("ListKeys", events[^1].EventName);
        Assert.Equal(7, events[^1].RequestParameters!["limit"]!.GetValue<int>());
        Assert.Equal(key, events[0].RequestParameters!["keyId"]!.GetValue<string>());
        Assert.All(events, e => Assert.Matches("^[0-9a-f-]{36}$", e.EventId));
        Assert.Equal(5, events.Select(e => e.EventId).Distinct().Count());
    }
}
