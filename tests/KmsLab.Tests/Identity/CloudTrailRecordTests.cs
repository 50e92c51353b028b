using System.Net;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Protocol;
using KmsLab.Simulation.Operations;

namespace KmsLab.Tests.Identity;

/// <summary>
/// The audit trail's records follow CloudTrail's KMS records field by field, as the KMS Developer
/// Guide's examples show them (ct-encrypt, ct-decrypt, ct-generatedatakey, ct-createkey pages).
/// </summary>
public class CloudTrailRecordTests
{
    /// <summary>Every field a CloudTrail KMS record has, in every record (the KMS examples' common part).</summary>
    private static readonly string[] RequiredFields =
    [
        "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
        "requestParameters", "responseElements", "requestID", "eventID", "readOnly", "resources", "eventType", "managementEvent",
        "recipientAccountId", "eventCategory",
    ];

    private static void AssertCommonFields(JsonObject record, string operation, TestLab lab)
    {
        foreach (var field in RequiredFields) Assert.True(record.ContainsKey(field), $"{operation}: no {field} in {record.ToJsonString()}");
        Assert.Equal("1.11", (string?)record["eventVersion"]);
        Assert.Equal("kms.amazonaws.com", (string?)record["eventSource"]);
        Assert.Equal(operation, (string?)record["eventName"]);
        Assert.Equal("AwsApiCall", (string?)record["eventType"]);
        Assert.True((bool)record["managementEvent"]!);
        Assert.Equal("Management", (string?)record["eventCategory"]);
        Assert.Equal(OperationCatalog.Find(operation)!.ReadOnly, (bool)record["readOnly"]!);
        Assert.True(Guid.TryParse((string?)record["requestID"], out _) && Guid.TryParse((string?)record["eventID"], out _), operation);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)record["eventTime"]);
        var identity = record["userIdentity"]!.AsObject();
        Assert.Equal(("IAMUser", lab.Lab.Admin.Arn, lab.Lab.AccountId), ((string?)identity["type"], (string?)identity["arn"], (string?)identity["accountId"]));
        foreach (var resource in record["resources"]!.AsArray())
        {
            Assert.Equal("AWS::KMS::Key", (string?)resource!["type"]);
            Assert.StartsWith("arn:aws:kms:", (string?)resource["ARN"]);
            Assert.Equal(((string)resource["ARN"]!).Split(':')[4], (string?)resource["accountId"]);
        }
        if (record.ContainsKey("errorCode")) Assert.False(string.IsNullOrEmpty((string?)record["errorMessage"]), operation);
    }

    [Fact]
    public async Task Every_simulated_operation_writes_a_record_with_CloudTrails_fields()
    {
        // An empty request of each operation: most are refused, some succeed; either way one record.
        var lab = new TestLab();
        using var client = new HttpClient(new KmsHttpMessageHandler(lab.Lab.Adapter));
        foreach (var operation in OperationCatalog.Simulated)
        {
            var before = lab.Lab.AuditTrail.Events.Count;
            using var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/") { Content = new ByteArrayContent("{}"u8.ToArray()) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
            request.Headers.Add("X-Amz-Target", "TrentService." + operation.Name);
            Protocol.TestSigner.Sign(request, "{}"u8.ToArray(), lab.Lab.Admin.AccessKeyId, lab.Lab.Admin.SecretAccessKey);
            using var response = await client.SendAsync(request);
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
            var events = lab.Lab.AuditTrail.Events;
            Assert.Equal(before + 1, events.Count);
            var record = events[^1].ToJsonObject();
            AssertCommonFields(record, operation.Name, lab);
            Assert.Equal(response.IsSuccessStatusCode, !record.ContainsKey("errorCode"));
            Assert.DoesNotContain("\"plaintext\"", record["requestParameters"]?.ToJsonString() ?? "", StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\"plaintext\"", record["responseElements"]?.ToJsonString() ?? "", StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Encrypt_is_recorded_as_in_the_developer_guide()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = Bytes.Stream("secret"), EncryptionContext = new() { ["Department"] = "Engineering" } });
        var record = lab.Lab.AuditTrail.Events[^1].ToJsonObject();
        AssertCommonFields(record, "Encrypt", lab);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"encryptionContext":{"Department":"Engineering"},"keyId":"{{key.Arn}}","encryptionAlgorithm":"SYMMETRIC_DEFAULT"}"""), record["requestParameters"]), record.ToJsonString());
        Assert.Null(record["responseElements"]);
        Assert.Equal(CurrentMaterial(lab, key.KeyId), (string?)record["additionalEventData"]!["keyMaterialId"]);
        Assert.True((bool)record["readOnly"]!);
        Assert.Equal(key.Arn, (string?)record["resources"]![0]!["ARN"]);
        Assert.Equal(lab.Lab.AccountId, (string?)record["recipientAccountId"]);
        Assert.False(record.ContainsKey("sharedEventID"));
        Assert.False(record.ContainsKey("errorCode"));
    }

    [Fact]
    public async Task Decrypt_records_the_key_and_algorithm_the_caller_left_out_and_the_material_that_decrypted()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        var context = new Dictionary<string, string> { ["Department"] = "Engineering", ["Project"] = "Alpha" };
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("secret"), EncryptionContext = context })).CiphertextBlob;
        var used = CurrentMaterial(lab, key.KeyId);
        await lab.Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        lab.Lab.Clock.Advance(TimeSpan.FromMinutes(1));
        await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob, EncryptionContext = context });
        var record = lab.Lab.AuditTrail.Query(operation: "Decrypt")[^1].ToJsonObject();
        AssertCommonFields(record, "Decrypt", lab);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"encryptionContext":{"Department":"Engineering","Project":"Alpha"},"keyId":"{{key.Arn}}","encryptionAlgorithm":"SYMMETRIC_DEFAULT"}"""), record["requestParameters"]), record.ToJsonString());
        Assert.Null(record["responseElements"]);
        // The material that encrypted the blob, not the current one since the rotation.
        Assert.NotEqual(used, CurrentMaterial(lab, key.KeyId));
        Assert.Equal(used, (string?)record["additionalEventData"]!["keyMaterialId"]);
    }

    [Fact]
    public async Task GenerateDataKey_records_its_key_spec_and_context_and_no_key()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        await lab.Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256, EncryptionContext = new() { ["Project"] = "Alpha" } });
        var record = lab.Lab.AuditTrail.Events[^1].ToJsonObject();
        AssertCommonFields(record, "GenerateDataKey", lab);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"keyId":"{{key.KeyId}}","encryptionContext":{"Project":"Alpha"},"keySpec":"AES_256"}"""), record["requestParameters"]), record.ToJsonString());
        Assert.Null(record["responseElements"]);
        Assert.Equal(CurrentMaterial(lab, key.KeyId), (string?)record["additionalEventData"]!["keyMaterialId"]);

        await lab.Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = 64 });
        var bytes = lab.Lab.AuditTrail.Events[^1].ToJsonObject();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"keyId":"{{key.KeyId}}","numberOfBytes":64}"""), bytes["requestParameters"]), bytes.ToJsonString());
    }

    [Fact]
    public async Task ReEncrypt_records_both_algorithms_and_both_materials()
    {
        var lab = new TestLab();
        var source = await lab.CreateKeyAsync();
        var destination = await lab.CreateKeyAsync();
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = source.KeyId, Plaintext = Bytes.Stream("moving") })).CiphertextBlob;
        await lab.Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, DestinationKeyId = destination.KeyId, DestinationEncryptionContext = new() { ["Level"] = "3A" } });
        var record = lab.Lab.AuditTrail.Events[^1].ToJsonObject();
        AssertCommonFields(record, "ReEncrypt", lab);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"destinationKeyId":"{{destination.KeyId}}","destinationEncryptionContext":{"Level":"3A"},"sourceEncryptionAlgorithm":"SYMMETRIC_DEFAULT","destinationEncryptionAlgorithm":"SYMMETRIC_DEFAULT"}
            """), record["requestParameters"]), record.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"destinationKeyMaterialId":"{{CurrentMaterial(lab, destination.KeyId)}}","sourceKeyMaterialId":"{{CurrentMaterial(lab, source.KeyId)}}"}
            """), record["additionalEventData"]), record.ToJsonString());
        Assert.Equal([source.Arn, destination.Arn], record["resources"]!.AsArray().Select(r => (string?)r!["ARN"]));
        Assert.Null(record["responseElements"]);
    }

    [Fact]
    public async Task CreateKey_records_the_defaults_KMS_chose_and_the_new_keys_metadata()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(description: "");
        var record = lab.Lab.AuditTrail.Events[^1].ToJsonObject();
        AssertCommonFields(record, "CreateKey", lab);
        Assert.False((bool)record["readOnly"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"description":"","keyUsage":"ENCRYPT_DECRYPT","customerMasterKeySpec":"SYMMETRIC_DEFAULT","keySpec":"SYMMETRIC_DEFAULT","origin":"AWS_KMS","bypassPolicyLockoutSafetyCheck":false}
            """), record["requestParameters"]), record.ToJsonString());
        var metadata = record["responseElements"]!["keyMetadata"]!;
        Assert.Equal((key.KeyId, key.Arn, lab.Lab.AccountId, "Enabled"), ((string?)metadata["keyId"], (string?)metadata["arn"], (string?)metadata["AWSAccountId"], (string?)metadata["keyState"]));
        Assert.False(record.ContainsKey("additionalEventData"));
        Assert.Equal(key.Arn, (string?)record["resources"]![0]!["ARN"]);
    }

    [Fact]
    public async Task A_failed_call_records_its_error_and_no_response()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("secret"), EncryptionContext = new() { ["a"] = "b" } })).CiphertextBlob;
        var e = await KmsAssert.Throws<InvalidCiphertextException>(() => lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob, EncryptionContext = new() { ["a"] = "c" } }));
        var record = lab.Lab.AuditTrail.Events[^1].ToJsonObject();
        AssertCommonFields(record, "Decrypt", lab);
        Assert.Equal(("InvalidCiphertextException", e.Message), ((string?)record["errorCode"], (string?)record["errorMessage"]));
        Assert.Null(record["responseElements"]);
        Assert.False(record.ContainsKey("additionalEventData"));
        Assert.Equal("SYMMETRIC_DEFAULT", (string?)record["requestParameters"]!["encryptionAlgorithm"]);
        Assert.Equal("c", (string?)record["requestParameters"]!["encryptionContext"]!["a"]);
    }

    [Fact]
    public async Task A_cross_account_call_is_written_to_both_accounts_with_one_sharedEventID()
    {
        var lab = new TestLab();
        var partner = $"arn:aws:iam::{lab.Lab.PartnerAccountId}:user/{Lab.PartnerAdministratorName}";
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{lab.Lab.AccountId}}:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{lab.Lab.PartnerAccountId}}:root"},"Action":"kms:Encrypt","Resource":"*"}]}
            """;
        var key = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata;
        var before = lab.Lab.AuditTrail.Events.Count;
        var encrypted = await lab.Lab.CreateKmsClient(partner).EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = Bytes.Stream("shared") });
        var events = lab.Lab.AuditTrail.Events.Skip(before).ToList();
        Assert.Equal(2, events.Count);
        var records = events.Select(e => e.ToJsonObject()).ToList();
        Assert.Equal([lab.Lab.PartnerAccountId, lab.Lab.AccountId], records.Select(r => (string?)r["recipientAccountId"]));
        var shared = (string?)records[0]["sharedEventID"];
        Assert.True(Guid.TryParse(shared, out _));
        Assert.Equal(shared, (string?)records[1]["sharedEventID"]);
        Assert.NotEqual((string?)records[0]["eventID"], (string?)records[1]["eventID"]);
        foreach (var record in records)
        {
            Assert.Equal(("Encrypt", partner, lab.Lab.PartnerAccountId), ((string?)record["eventName"], (string?)record["userIdentity"]!["arn"], (string?)record["userIdentity"]!["accountId"]));
            Assert.Equal(key.Arn, (string?)record["resources"]![0]!["ARN"]);
            Assert.Equal(lab.Lab.AccountId, (string?)record["resources"]![0]!["accountId"]);
            Assert.Equal((string?)records[0]["requestID"], (string?)record["requestID"]);
            Assert.NotNull(record["additionalEventData"]!["keyMaterialId"]);
        }
        // The key owner's copy is the event its key's last use names.
        var lastUse = await lab.Kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId });
        Assert.Equal((string?)records[1]["eventID"], lastUse.KeyLastUsage?.CloudTrailEventId);
        Assert.Equal(encrypted.KeyId, key.Arn);
    }

    private static string CurrentMaterial(TestLab lab, string keyId) =>
        lab.Lab.World.FindKey(Guid.Parse(keyId), lab.Lab.AccountId, "us-east-1").Key!.CurrentMaterial.Id;
}
