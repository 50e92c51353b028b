using System.Text;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Serve;

/// <summary>
/// Bad input over the network gets the 4xx AWS would send, in KMS's error shape
/// (<c>{"__type":...,"message":...}</c>, <c>x-amzn-RequestId</c>), and the server keeps serving.
/// </summary>
public sealed class ServeRobustnessTests : IAsyncLifetime
{
    private ServedLab _served = null!;
    private RawRequests _raw = null!;

    public async Task InitializeAsync()
    {
        _served = await ServedLab.StartAsync();
        _raw = new RawRequests(_served);
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _served.DisposeAsync();
    }

    private async Task AssertStillServesAsync()
    {
        var kms = _served.CreateClient();
        var key = await kms.CreateKeyAsync(new CreateKeyRequest());
        var blob = await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyMetadata.KeyId, Plaintext = new MemoryStream("still here"u8.ToArray()) });
        var plain = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob.CiphertextBlob });
        Assert.Equal("still here", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
    }

    private static void AssertAwsError((int Status, string? ErrorType, string Body, HttpResponseMessage Response) r, int status, string errorType)
    {
        Assert.True(r.Status == status && r.ErrorType == errorType, $"expected {status} {errorType}, got {r.Status} {r.Body}");
        Assert.Equal(RawRequests.JsonContentType, r.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(r.Response.Headers.TryGetValues("x-amzn-RequestId", out var ids) && Guid.TryParse(ids.Single(), out _), "every response carries x-amzn-RequestId");
        Assert.Contains("\"message\":", r.Body);
    }

    [Fact]
    public async Task A_signed_request_made_by_hand_works()
    {
        var r = await _raw.PostJsonAsync("ListKeys", "{}");
        Assert.True(r.Status == 200, r.Body);
        Assert.Contains("\"Keys\":", r.Body);
    }

    [Theory]
    [InlineData("{\"KeyId\": ")]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"Limit\": \"ten\"}")]
    [InlineData("{\"Plaintext\": \"***not base64***\", \"KeyId\": \"alias/x\"}")]
    public async Task Malformed_json_is_a_SerializationException(string body)
    {
        var target = body.Contains("Plaintext", StringComparison.Ordinal) ? "Encrypt" : "ListKeys";
        AssertAwsError(await _raw.PostJsonAsync(target, body), 400, "SerializationException");
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task A_wrong_or_missing_content_type_is_refused(string? contentType)
    {
        AssertAwsError(await _raw.PostAsync("TrentService.ListKeys", "{}"u8.ToArray(), contentType), 400, "UnknownOperationException");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task The_content_type_may_carry_a_charset()
    {
        var r = await _raw.PostAsync("TrentService.ListKeys", "{}"u8.ToArray(), "application/x-amz-json-1.1; charset=utf-8");
        Assert.True(r.Status == 200, r.Body);
    }

    [Fact]
    public async Task An_empty_body_reads_as_an_empty_request()
    {
        var r = await _raw.PostAsync("TrentService.ListKeys", []);
        Assert.True(r.Status == 200, r.Body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("TrentService.StealAllKeys")]
    [InlineData("DynamoDB_20120810.ListTables")]
    [InlineData("")]
    public async Task A_missing_or_unknown_target_is_an_UnknownOperationException(string? target)
    {
        AssertAwsError(await _raw.PostAsync(target, "{}"u8.ToArray()), 400, "UnknownOperationException");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_request_other_than_POST_is_refused()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(_served.Endpoint);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("UnknownOperationException", await response.Content.ReadAsStringAsync());
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task An_oversized_body_gets_413_in_KMS_error_shape()
    {
        var huge = Encoding.UTF8.GetBytes("{\"KeyId\":\"alias/x\",\"Plaintext\":\"" + new string('A', 2 * 1024 * 1024) + "\"}");
        AssertAwsError(await _raw.PostAsync("TrentService.Encrypt", huge), 413, "RequestEntityTooLargeException");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task An_oversized_chunked_body_gets_413_too()
    {
        var head = $"POST / HTTP/1.1\r\nHost: {_served.Endpoint.Authority}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.Encrypt\r\nTransfer-Encoding: chunked\r\n\r\n";
        var chunk = new string('A', 64 * 1024);
        var request = new StringBuilder(head);
        for (int i = 0; i < 20; i++) request.Append($"{chunk.Length:X}\r\n{chunk}\r\n");
        request.Append("0\r\n\r\n");
        var answer = await _raw.SendRawAsync(Encoding.ASCII.GetBytes(request.ToString()), closeAfterSending: false);
        Assert.StartsWith("HTTP/1.1 413", answer);
        Assert.Contains("RequestEntityTooLargeException", answer);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_body_cut_short_by_a_client_that_goes_away_does_not_hurt()
    {
        var head = $"POST / HTTP/1.1\r\nHost: {_served.Endpoint.Authority}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\nContent-Length: 1000\r\n\r\n{{\"Limit\":";
        // Clients that stop before the promised 1000 bytes and close (FIN) or reset (RST): nobody is
        // left to answer, and the server carries on.
        for (int i = 0; i < 10; i++) await _raw.SendRawAsync(Encoding.ASCII.GetBytes(head));
        for (int i = 0; i < 10; i++) await _raw.SendAndResetAsync(Encoding.ASCII.GetBytes(head));
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_broken_chunked_framing_is_a_400()
    {
        var request = $"POST / HTTP/1.1\r\nHost: {_served.Endpoint.Authority}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n";
        var answer = await _raw.SendRawAsync(Encoding.ASCII.GetBytes(request), closeAfterSending: false);
        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("\"__type\":\"SerializationException\"", answer);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Bytes_that_are_not_HTTP_and_huge_headers_do_not_hurt()
    {
        var garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        await _raw.SendRawAsync(garbage);
        await _raw.SendRawAsync("\r\n\r\n\r\nGET\r\n"u8.ToArray());
        var hugeHeader = $"POST / HTTP/1.1\r\nHost: {_served.Endpoint.Authority}\r\nX-Big: {new string('x', 64 * 1024)}\r\nContent-Length: 2\r\n\r\n{{}}";
        var answer = await _raw.SendRawAsync(Encoding.ASCII.GetBytes(hugeHeader), closeAfterSending: false);
        Assert.StartsWith("HTTP/1.1 431", answer);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_request_without_credentials_is_refused()
    {
        AssertAwsError(await _raw.PostAsync("TrentService.ListKeys", "{}"u8.ToArray(), sign: false), 400, "MissingAuthenticationTokenException");
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("AWS4-HMAC-SHA256 garbage")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIA/2026/us-east-1/kms, SignedHeaders=host, Signature=00")]
    public async Task A_malformed_signature_is_an_IncompleteSignatureException(string authorization)
    {
        AssertAwsError(await _raw.PostAsync("TrentService.ListKeys", "{}"u8.ToArray(), authorization: authorization), 400, "IncompleteSignatureException");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task An_unknown_access_key_is_an_UnrecognizedClientException()
    {
        var date = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var authorization = RawRequests.Sign("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", _served.Endpoint.Authority, date, RawRequests.JsonContentType, "TrentService.ListKeys", "{}"u8.ToArray());
        AssertAwsError(await _raw.PostAsync("TrentService.ListKeys", "{}"u8.ToArray(), authorization: authorization), 400, "UnrecognizedClientException");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_signature_made_with_the_wrong_secret_or_over_another_body_is_an_InvalidSignatureException()
    {
        var date = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var body = "{}"u8.ToArray();
        var wrongSecret = RawRequests.Sign(_served.Lab.Admin.AccessKeyId, "not-the-secret", "us-east-1", _served.Endpoint.Authority, date, RawRequests.JsonContentType, "TrentService.ListKeys", body);
        AssertAwsError(await _raw.PostAsync("TrentService.ListKeys", body, authorization: wrongSecret), 400, "InvalidSignatureException");
        var otherBody = RawRequests.Sign(_served.Lab.Admin.AccessKeyId, _served.Lab.Admin.SecretAccessKey, "us-east-1", _served.Endpoint.Authority, date, RawRequests.JsonContentType, "TrentService.ListKeys", "{\"Limit\":1}"u8.ToArray());
        AssertAwsError(await _raw.PostAsync("TrentService.ListKeys", body, authorization: otherBody), 400, "InvalidSignatureException");
        await AssertStillServesAsync();
    }
}
