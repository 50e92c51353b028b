using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService.Model;
using KmsLab.Protocol;

namespace KmsLab.Tests.Protocol;

/// <summary>What reaches the adapter that no SDK would send: it must answer as AWS does, never crash, never 500.</summary>
public class WireTests
{
    private readonly TestLab _lab = new();

    private HttpClient RawClient() => new(new KmsHttpMessageHandler(_lab.Lab.Adapter)) { BaseAddress = new Uri("https://kms.us-east-1.amazonaws.com/") };

    private string Authorization(string? accessKey = null) =>
        $"AWS4-HMAC-SHA256 Credential={accessKey ?? _lab.Lab.Admin.AccessKeyId}/20260115/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000";

    /// <param name="authorization">"" signs the request properly as the lab's administrator; null sends none; anything else is sent as is.</param>
    private async Task<(HttpStatusCode Status, string Type, string Message, HttpResponseMessage Response)> SendAsync(string? target, string body, string contentType = "application/x-amz-json-1.1", string? authorization = "", string method = "POST", string? secretKey = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "https://kms.us-east-1.amazonaws.com/");
        var bytes = Encoding.UTF8.GetBytes(body);
        if (method != "GET")
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        if (target is not null) request.Headers.Add("X-Amz-Target", target);
        if (authorization == "") TestSigner.Sign(request, method == "GET" ? [] : bytes, _lab.Lab.Admin.AccessKeyId, secretKey ?? _lab.Lab.Admin.SecretAccessKey);
        else if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            request.Headers.TryAddWithoutValidation("X-Amz-Date", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }
        var response = await RawClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        string type = json.RootElement.TryGetProperty("__type", out var t) ? t.GetString()! : "";
        string message = json.RootElement.TryGetProperty("message", out var m) ? m.GetString()! : "";
        return (response.StatusCode, type, message, response);
    }

    [Fact]
    public async Task A_valid_request_answers_200_with_a_request_id()
    {
        var (status, type, _, response) = await SendAsync("TrentService.ListKeys", "{}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("", type);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType!.MediaType);
        Assert.Matches("^[0-9a-f-]{36}$", response.Headers.GetValues("x-amzn-RequestId").Single());
    }

    [Fact]
    public async Task Encrypt_answers_exactly_the_members_of_the_KMS_model()
    {
        var key = await _lab.CreateKeyAsync();
        var (status, _, _, response) = await SendAsync("TrentService.Encrypt", $$"""{"KeyId":"{{key.KeyId}}","Plaintext":"aGVsbG8="}""");
        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        // The simulator's own facts about the call (the material it used, for CloudTrail) stay off the wire.
        Assert.Equal(["CiphertextBlob", "EncryptionAlgorithm", "KeyId"], json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Operations_without_input_accept_an_empty_body_and_answer_an_empty_object()
    {
        var (status, _, _, response) = await SendAsync("TrentService.ListKeys", "");
        Assert.Equal(HttpStatusCode.OK, status);
        var key = await _lab.CreateKeyAsync();
        var (enableStatus, _, _, enable) = await SendAsync("TrentService.EnableKey", $$"""{"KeyId":"{{key.KeyId}}"}""");
        Assert.Equal(HttpStatusCode.OK, enableStatus);
        Assert.Equal("{}", await enable.Content.ReadAsStringAsync());
        _ = response;
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"KeyId\":")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("{\"Limit\":\"ten\"}")]
    [InlineData("{\"Limit\":1.5}")]
    [InlineData("not json at all")]
    public async Task Malformed_JSON_is_400_SerializationException(string body)
    {
        var (status, type, message, _) = await SendAsync("TrentService.ListKeys", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SerializationException", type);
        Assert.NotEmpty(message);
    }

    [Fact]
    public async Task Bad_base64_in_a_blob_member_is_SerializationException()
    {
        var (status, type, _, _) = await SendAsync("TrentService.Decrypt", """{"CiphertextBlob":"@@@not base64@@@"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SerializationException", type);
    }

    [Theory]
    [InlineData("TrentService.DoMagic")]
    [InlineData("OtherService.ListKeys")]
    [InlineData("ListKeys")]
    public async Task Unknown_targets_are_400_UnknownOperationException(string target)
    {
        var (status, type, _, _) = await SendAsync(target, "{}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("UnknownOperationException", type);
    }

    [Fact]
    public async Task A_missing_target_or_wrong_content_type_or_method_is_a_4xx_AWS_error()
    {
        Assert.Equal("UnknownOperationException", (await SendAsync(null, "{}")).Type);
        var wrongType = await SendAsync("TrentService.ListKeys", "{}", contentType: "text/plain");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.Status);
        Assert.Equal("UnknownOperationException", wrongType.Type);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync("TrentService.ListKeys", "{}", method: "GET")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("TrentService.ListKeys", "{}", contentType: "application/x-amz-json-1.1; charset=utf-8")).Status);
    }

    [Fact]
    public async Task Missing_required_members_are_ValidationException()
    {
        var (status, type, message, _) = await SendAsync("TrentService.Encrypt", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ValidationException", type);
        Assert.Equal("2 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; Value null at 'plaintext' failed to satisfy constraint: Member must not be null", message);
    }

    [Fact]
    public async Task Unknown_members_are_ignored()
    {
        var (status, _, _, _) = await SendAsync("TrentService.ListKeys", """{"Limit":5,"FutureMember":{"x":[1]}}""");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Requests_without_credentials_or_with_unknown_access_keys_are_refused()
    {
        Assert.Equal("MissingAuthenticationTokenException", (await SendAsync("TrentService.ListKeys", "{}", authorization: null)).Type);
        // Not SigV4 at all: AWS's front door reads its fields and finds one that is not key=value.
        var bearer = await SendAsync("TrentService.ListKeys", "{}", authorization: "Bearer abc");
        Assert.Equal(("IncompleteSignatureException", "'abc' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc'."), (bearer.Type, bearer.Message));
        var unknown = await SendAsync("TrentService.ListKeys", "{}", authorization: Authorization("AKIAUNKNOWNUNKNOWN12"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("UnrecognizedClientException", unknown.Type);
        Assert.Equal("The security token included in the request is invalid.", unknown.Message);
    }

    [Fact]
    public async Task A_wrong_secret_key_is_InvalidSignatureException()
    {
        var (status, type, message, _) = await SendAsync("TrentService.ListKeys", "{}", secretKey: "wrong-secret-wrong-secret-wrong-secret00");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidSignatureException", type);
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", message);
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_InvalidSignatureException()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/");
        request.Headers.Add("X-Amz-Target", "TrentService.ListKeys");
        request.Content = new ByteArrayContent("{\"Limit\":5}"u8.ToArray());
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        TestSigner.Sign(request, "{\"Limit\":6}"u8.ToArray(), _lab.Lab.Admin.AccessKeyId, _lab.Lab.Admin.SecretAccessKey);
        var response = await RawClient().SendAsync(request);
        Assert.Contains("InvalidSignatureException", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_oversized_body_is_refused()
    {
        var body = "{\"Description\":\"" + new string('a', KmsProtocolAdapter.MaxBodyBytes) + "\"}";
        var (status, type, _, _) = await SendAsync("TrentService.CreateKey", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SerializationException", type);
    }

    [Fact]
    public async Task Timestamps_are_epoch_seconds()
    {
        await _lab.CreateKeyAsync();
        var (_, _, _, response) = await SendAsync("TrentService.CreateKey", "{}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var created = json.RootElement.GetProperty("KeyMetadata").GetProperty("CreationDate");
        Assert.Equal(JsonValueKind.Number, created.ValueKind);
        Assert.Equal(TestLab.Start.ToUnixTimeSeconds(), (long)created.GetDouble());
    }

    [Fact]
    public async Task Every_operation_of_the_issue_is_routed()
    {
        string[] expected =
        [
            "CreateKey", "DescribeKey", "ListKeys", "UpdateKeyDescription", "EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion",
            "CreateAlias", "UpdateAlias", "DeleteAlias", "ListAliases", "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "GenerateRandom", "EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus",
            "RotateKeyOnDemand", "ListKeyRotations", "TagResource", "UntagResource", "ListResourceTags", "GetKeyPolicy", "PutKeyPolicy", "ListKeyPolicies",
        ];
        foreach (var op in expected)
        {
            var (status, type, _, _) = await SendAsync("TrentService." + op, "{}");
            Assert.True(status == HttpStatusCode.OK || type != "UnknownOperationException", op);
        }
        await Task.CompletedTask;
    }
}
