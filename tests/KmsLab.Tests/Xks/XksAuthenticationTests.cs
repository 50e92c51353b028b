using KmsLab.Hosting;
using KmsLab.Xks;

namespace KmsLab.Tests.Xks;

/// <summary>
/// SigV4 with the proxy's own credential (the specification's Authentication section and Appendix A)
/// and the URI path: each refusal in the specification's error shape and status.
/// </summary>
public sealed class XksAuthenticationTests
{
    private readonly XksTestProxy _xks = new();

    private Answer Health(XksCredential? signWith = null, string service = XksProxy.ServiceName, TimeSpan? signedAgo = null, string? sentBody = null, bool sign = true) =>
        _xks.Post("health", XksTestProxy.HealthExample, signWith, service, signedAgo, sentBody, sign: sign);

    [Fact]
    public void A_request_signed_with_the_proxys_credential_for_any_region_is_served() =>
        Assert.Equal(200, _xks.Post("health", XksTestProxy.HealthExample, region: "eu-west-1").Status);

    [Fact]
    public void A_wrong_secret_is_AuthenticationFailedException_401()
    {
        var answer = Health(signWith: XksTestProxy.Credential with { RawSecretAccessKey = "VU6W2byoiBrhDqNGbx703oL0syCAmhlQgwNUT123456" });
        answer.IsError(401, "AuthenticationFailedException");
        Assert.Contains("signature we calculated does not match", answer.Member("errorMessage"));
    }

    [Fact]
    public void A_body_changed_after_signing_is_401()
    {
        var changed = XksTestProxy.HealthExample.Replace("CreateCustomKeyStore", "ConnectCustomKeyStore", StringComparison.Ordinal);
        Health(sentBody: changed).IsError(401, "AuthenticationFailedException");
        // The same change on an Encrypt: the AAD KMS sent is what the signature covers.
        var encrypt = XksTestProxy.EncryptExample;
        _xks.Post(_xks.KeyPath("encrypt"), encrypt, sentBody: encrypt.Replace("cHJvamVjdD1uaWxl", "cHJvamVjdD1uaWxm", StringComparison.Ordinal)).IsError(401, "AuthenticationFailedException");
    }

    [Fact]
    public void Another_access_key_id_is_401_and_the_proxys_own_is_not_revealed()
    {
        var answer = Health(signWith: new XksCredential("HGIE2BUAFNDMBCMSQVWLGCEXAMP", XksTestProxy.Credential.RawSecretAccessKey));
        answer.IsError(401, "AuthenticationFailedException");
        Assert.DoesNotContain(XksTestProxy.Credential.AccessKeyId, answer.Text);
    }

    [Fact]
    public void A_signature_scoped_to_another_service_is_401()
    {
        var answer = Health(service: "kms");
        answer.IsError(401, "AuthenticationFailedException");
        Assert.Contains("kms-xks-proxy", answer.Member("errorMessage"));
    }

    [Fact]
    public void An_unsigned_request_is_401() => Health(sign: false).IsError(401, "AuthenticationFailedException");

    [Theory]
    [InlineData(6)]
    [InlineData(-6)]
    [InlineData(60 * 24)]
    public void A_signature_more_than_5_minutes_from_the_proxys_clock_is_stale_401(int minutesAgo)
    {
        var answer = Health(signedAgo: TimeSpan.FromMinutes(minutesAgo));
        answer.IsError(401, "AuthenticationFailedException");
        Assert.Contains(minutesAgo > 0 ? "Signature expired" : "Signature not yet current", answer.Member("errorMessage"));
        Assert.Contains("5 min.", answer.Member("errorMessage"));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-4)]
    public void A_signature_within_5_minutes_is_fresh(int minutesAgo) => Assert.Equal(200, Health(signedAgo: TimeSpan.FromMinutes(minutesAgo)).Status);

    [Fact]
    public void The_same_signed_request_goes_stale_when_the_proxys_clock_moves_on()
    {
        var body = System.Text.Encoding.UTF8.GetBytes(XksTestProxy.HealthExample);
        var amzDate = _xks.Clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var path = XksTestProxy.UriPath + "/health";
        var authorization = XksTestProxy.Sign(XksTestProxy.Credential, "us-east-2", XksProxy.ServiceName, "POST", path, XksTestProxy.Host, amzDate, body);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Host"] = XksTestProxy.Host, ["X-Amz-Date"] = amzDate, ["Authorization"] = authorization };
        var request = new EndpointRequest("POST", path, name => headers.GetValueOrDefault(name), body);
        Assert.Equal(200, _xks.Send(request).Status);
        _xks.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        _xks.Send(request).IsError(401, "AuthenticationFailedException"); // a replay, later
    }

    [Theory]
    [InlineData("/kms/xks/v1/health")] // without the prefix
    [InlineData("/keystores/another/kms/xks/v1/health")]
    [InlineData("/keystores/4a0d79d6-1d1b-49fd-9dbe-799cb9c0fb3f/kms/xks/v2/health")]
    [InlineData("/keystores/4a0d79d6-1d1b-49fd-9dbe-799cb9c0fb3f/kms/xks/v1/healthz")]
    [InlineData("/keystores/4a0d79d6-1d1b-49fd-9dbe-799cb9c0fb3f/kms/xks/v1/keys/1234abcd-12ab-34cd-56ef-1234567890ab/sign")]
    [InlineData("/keystores/4a0d79d6-1d1b-49fd-9dbe-799cb9c0fb3f/kms/xks/v1/keys//encrypt")]
    [InlineData("/keystores/4a0d79d6-1d1b-49fd-9dbe-799cb9c0fb3f/kms/xks/v1")]
    [InlineData("/")]
    public void A_wrong_URI_path_is_InvalidUriPathException_404_even_when_well_signed(string path) =>
        _xks.Post("", XksTestProxy.HealthExample, path: path).IsError(404, "InvalidUriPathException");

    [Fact]
    public void A_wrong_URI_path_is_404_whatever_its_signature()
    {
        // The proxy knows which credential applies only from the path (credentials are per path prefix).
        _xks.Post("", XksTestProxy.HealthExample, path: "/wrong/kms/xks/v1/health", sign: false).IsError(404, "InvalidUriPathException");
    }

    [Theory]
    [InlineData("GET", "health")]
    [InlineData("GET", "keys/1234abcd-12ab-34cd-56ef-1234567890ab/metadata")]
    [InlineData("PUT", "keys/1234abcd-12ab-34cd-56ef-1234567890ab/encrypt")]
    public void A_method_other_than_POST_at_an_API_URI_is_405(string method, string operation)
    {
        var answer = _xks.Post(operation, "", method: method);
        Assert.Equal(405, answer.Status);
        Assert.Contains("POST", answer.Member("errorMessage"));
    }

    [Fact]
    public void A_key_id_outside_the_specifications_characters_is_ValidationException_after_authentication()
    {
        _xks.Post(_xks.KeyPath("metadata", "bad~id"), XksTestProxy.MetadataExample).IsError(400, "ValidationException");
        _xks.Post(_xks.KeyPath("metadata", "bad~id"), XksTestProxy.MetadataExample, sign: false).IsError(401, "AuthenticationFailedException");
    }
}
