using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Serve;

/// <summary>
/// <c>kmslab serve</c> answers malformed Authorization headers as AWS's JSON services do
/// (IncompleteSignatureException with Coral's wording), and a stale signature as AWS does
/// (InvalidSignatureException, "Signature expired"), to a plain HttpClient.
/// </summary>
public sealed class SignatureHeaderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset WallNow = new(2026, 12, 2, 17, 0, 0, TimeSpan.Zero);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServedLab _served = null!;

    public async Task InitializeAsync() => _served = await ServedLab.StartAsync(options: new LabOptions { WallClock = new FakeTimeProvider(WallNow) });

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _served.DisposeAsync();
    }

    private static string Amz(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private string Credential => $"{_served.Lab.Admin.AccessKeyId}/{Amz(WallNow)[..8]}/us-east-1/kms/aws4_request";

    private async Task<(int Status, string? Type, string Message)> PostAsync(string? authorization, string? amzDate)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _served.Endpoint) { Content = new ByteArrayContent("{}"u8.ToArray()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", RawRequests.JsonContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.ListKeys");
        if (amzDate is not null) request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await _http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, json.RootElement.GetProperty("__type").GetString(), json.RootElement.GetProperty("message").GetString()!);
    }

    private string Signed(DateTimeOffset at) =>
        RawRequests.Sign(_served.Lab.Admin.AccessKeyId, _served.Lab.Admin.SecretAccessKey, "us-east-1", _served.Endpoint.Authority, Amz(at), RawRequests.JsonContentType, "TrentService.ListKeys", "{}"u8.ToArray());

    [Fact]
    public async Task A_field_that_is_not_key_equals_value_is_refused_with_AWS_wording()
    {
        var header = $"AWS4-HMAC-SHA256 Credential={Credential}, SignedHeaders, Signature=00";
        var (status, type, message) = await PostAsync(header, Amz(WallNow));
        Assert.Equal((400, "IncompleteSignatureException"), (status, type));
        Assert.Equal($"'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.", message);
    }

    [Theory]
    [InlineData("Credential")]
    [InlineData("SignedHeaders")]
    [InlineData("Signature")]
    public async Task A_missing_Credential_SignedHeaders_or_Signature_is_refused_with_AWS_wording(string left)
    {
        var fields = new Dictionary<string, string> { ["Credential"] = Credential, ["SignedHeaders"] = "content-type;host;x-amz-date;x-amz-target", ["Signature"] = new string('0', 64) };
        fields.Remove(left);
        var header = "AWS4-HMAC-SHA256 " + string.Join(", ", fields.Select(f => $"{f.Key}={f.Value}"));
        var (status, type, message) = await PostAsync(header, Amz(WallNow));
        Assert.Equal((400, "IncompleteSignatureException"), (status, type));
        Assert.Equal($"Authorization header requires '{left}' parameter. Authorization={header}", message);
    }

    [Fact]
    public async Task A_header_that_lacks_everything_names_each_missing_part_and_the_date()
    {
        var (status, type, message) = await PostAsync("Bearer=eyJhbGciOiJIUzI1NiJ9", amzDate: null);
        Assert.Equal((400, "IncompleteSignatureException"), (status, type));
        Assert.Equal("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. "
            + "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            + "Authorization=Bearer=eyJhbGciOiJIUzI1NiJ9", message);
    }

    [Fact]
    public async Task A_well_signed_request_without_X_Amz_Date_is_an_IncompleteSignatureException()
    {
        var (status, type, message) = await PostAsync(Signed(WallNow), amzDate: null);
        Assert.Equal((400, "IncompleteSignatureException"), (status, type));
        Assert.StartsWith("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=", message);
    }

    [Fact]
    public async Task Another_algorithm_and_a_credential_of_four_parts_are_IncompleteSignatureExceptions()
    {
        var sha1 = await PostAsync($"AWS4-HMAC-SHA1 Credential={Credential}, SignedHeaders=host, Signature=00", Amz(WallNow));
        Assert.Equal((400, "IncompleteSignatureException", "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). "), sha1);
        var four = await PostAsync("AWS4-HMAC-SHA256 Credential=AKIA/20261202/us-east-1/kms, SignedHeaders=host, Signature=00", Amz(WallNow));
        Assert.Equal((400, "IncompleteSignatureException", "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIA/20261202/us-east-1/kms'"), four);
    }

    [Fact]
    public async Task A_request_signed_30_days_ago_is_refused_and_one_signed_now_is_served()
    {
        var stale = WallNow.AddDays(-30);
        var (status, type, message) = await PostAsync(Signed(stale), Amz(stale));
        Assert.Equal((400, "InvalidSignatureException"), (status, type));
        Assert.Equal($"Signature expired: {Amz(stale)} is now earlier than {Amz(WallNow.AddMinutes(-15))} ({Amz(WallNow)} - 15 min.)", message);

        using var request = new HttpRequestMessage(HttpMethod.Post, _served.Endpoint) { Content = new ByteArrayContent("{}"u8.ToArray()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", RawRequests.JsonContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.ListKeys");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", Amz(WallNow));
        request.Headers.TryAddWithoutValidation("Authorization", Signed(WallNow));
        using var response = await _http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
