using System.Text;
using System.Text.Json;
using KmsLab.Tests.Serve;
using KmsLab.Xks;

namespace KmsLab.Tests.Xks;

/// <summary>
/// The proxy's AES-256-GCM and integrity fields, checked against the specification's own numbers
/// (Appendix C's CDIV), against python's <c>cryptography</c> (an independent AES-GCM, given the AAD as
/// the specification defines it) and against tampering; and a request signed by botocore.
/// </summary>
public sealed class XksCryptoTests
{
    private readonly XksTestProxy _xks = new();

    [Fact]
    public void The_CDIV_of_the_specifications_example_is_its_published_value()
    {
        // Appendix C: 33 bytes of AAD, 13 of ciphertextMetadata, 12 of IV, 12 of ciphertext, 16 of tag.
        var cdiv = XksCrypto.Cdiv(
            Convert.FromBase64String("cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n"),
            Convert.FromBase64String("a2V5X3ZlcnNpb249MQ=="),
            Convert.FromBase64String("HMrlRw85cAJUd5Ax"),
            Convert.FromBase64String("ghxkK1txeDNn3q8Y"),
            Convert.FromBase64String("vBxN2ncH1oEkR8WVXpmyYQ=="));
        Assert.Equal("a8703f2260bd8791ec2d15ea0b23e65a0631eedcf2a13a65cc82db3f47cf5ec7", Convert.ToHexStringLower(cdiv));
        Assert.Equal("qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc=", Convert.ToBase64String(cdiv));
    }

    [Fact]
    public void The_AES_GCM_AAD_carries_both_lengths_as_the_specification_defines_it()
    {
        // 2-byte big-endian length of the AAD || AAD || 1-byte length of the metadata || metadata.
        Assert.Equal("0003616263" + "02" + "6d64", Convert.ToHexStringLower(XksCrypto.GcmAad("abc"u8, "md"u8)));
        Assert.Equal("0000" + "00", Convert.ToHexStringLower(XksCrypto.GcmAad([], [])));
        Assert.Equal("012c", Convert.ToHexStringLower(XksCrypto.GcmAad(new byte[300], [])).Substring(0, 4));
    }

    [SkippableFact]
    public async Task An_independent_AES_GCM_decrypts_what_the_proxy_encrypts_given_the_specifications_AAD()
    {
        var python = ExternalClients.Python("cryptography");
        ExternalClients.Require(python is not null, "python3 with the cryptography package");
        var answer = _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample);
        var aad = Encoding.ASCII.GetBytes("project=nile,department=marketing");
        var metadata = answer.Bytes("ciphertextMetadata");
        // Built here, from the specification's words, not by the proxy's code.
        byte[] gcmAad = [(byte)(aad.Length >> 8), (byte)aad.Length, .. aad, (byte)metadata.Length, .. metadata];
        const string script = "import sys; from cryptography.hazmat.primitives.ciphers.aead import AESGCM; k,iv,ct,tag,aad = (bytes.fromhex(a) for a in sys.argv[1:]); print(AESGCM(k).decrypt(iv, ct + tag, aad).decode())";
        var result = await ExternalClients.RunAsync(python!, ["-c", script, Hex(_xks.Material), Hex(answer.Bytes("initializationVector")), Hex(answer.Bytes("ciphertext")), Hex(answer.Bytes("authenticationTag")), Hex(gcmAad)],
            Path.GetTempPath(), new Dictionary<string, string>(), TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("Hello World!", result.Stdout.Trim());
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static TheoryData<string> Tamperings => ["ciphertext", "initializationVector", "authenticationTag", "ciphertextMetadata", "additionalAuthenticatedData", "no ciphertextMetadata", "no additionalAuthenticatedData"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void A_tampered_field_is_InvalidCiphertextException_400_and_releases_nothing(string tampering)
    {
        var encrypted = _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample);
        var fields = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(XksTestProxy.DecryptExample(encrypted.Body))!;
        if (tampering.StartsWith("no ", StringComparison.Ordinal))
        {
            fields.Remove(tampering[3..]);
        }
        else
        {
            var bytes = Convert.FromBase64String(fields[tampering].GetString()!);
            bytes[0] ^= 1;
            fields[tampering] = JsonSerializer.SerializeToElement(Convert.ToBase64String(bytes));
        }
        var answer = _xks.Post(_xks.KeyPath("decrypt"), JsonSerializer.Serialize(fields));
        answer.IsError(400, "InvalidCiphertextException");
        Assert.DoesNotContain("plaintext", answer.Text);
    }

    [Fact]
    public void Metadata_moved_into_the_AAD_does_not_decrypt()
    {
        // The specification's NOTE: encrypt with no AAD, get metadata M, then decrypt with AAD = M and no metadata — MUST fail.
        var request = """{"requestMetadata":{"awsPrincipalArn":"a","kmsKeyArn":"k","kmsOperation":"Encrypt","kmsRequestId":"r"},"plaintext":"SGVsbG8gV29ybGQh","encryptionAlgorithm":"AES_GCM"}""";
        var encrypted = _xks.Post(_xks.KeyPath("encrypt"), request);
        var moved = $$"""{"requestMetadata":{"awsPrincipalArn":"a","kmsKeyArn":"k","kmsOperation":"Decrypt","kmsRequestId":"r"},"additionalAuthenticatedData":"{{encrypted.Member("ciphertextMetadata")}}","ciphertext":"{{encrypted.Member("ciphertext")}}","initializationVector":"{{encrypted.Member("initializationVector")}}","authenticationTag":"{{encrypted.Member("authenticationTag")}}","encryptionAlgorithm":"AES_GCM"}""";
        _xks.Post(_xks.KeyPath("decrypt"), moved).IsError(400, "InvalidCiphertextException");
    }

    [Theory]
    [InlineData("initializationVector", 16)] // allowed by the API, never made by this proxy
    [InlineData("initializationVector", 8)]
    [InlineData("authenticationTag", 12)]
    public void An_IV_or_tag_of_another_length_is_InvalidCiphertextException(string member, int length)
    {
        var encrypted = _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample);
        var fields = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(XksTestProxy.DecryptExample(encrypted.Body))!;
        fields[member] = JsonSerializer.SerializeToElement(Convert.ToBase64String(new byte[length]));
        _xks.Post(_xks.KeyPath("decrypt"), JsonSerializer.Serialize(fields)).IsError(400, "InvalidCiphertextException");
    }

    [Fact]
    public void Ciphertext_of_another_key_does_not_decrypt()
    {
        _xks.Keys.CreateKey("other-key");
        var encrypted = _xks.Post(_xks.KeyPath("encrypt", "other-key"), XksTestProxy.EncryptExample);
        _xks.Post(_xks.KeyPath("decrypt"), XksTestProxy.DecryptExample(encrypted.Body)).IsError(400, "InvalidCiphertextException");
    }

    [Fact]
    public void Each_encryption_takes_a_fresh_IV()
    {
        var ivs = Enumerable.Range(0, 20).Select(_ => _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample).Member("initializationVector")).ToHashSet();
        Assert.Equal(20, ivs.Count);
    }

    [Fact]
    public void No_answer_ever_contains_the_key_material()
    {
        var encrypted = _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample);
        _xks.Post(_xks.KeyPath("decrypt"), XksTestProxy.DecryptExample(encrypted.Body));
        _xks.Post(_xks.KeyPath("decrypt"), XksTestProxy.DecryptExample(encrypted.Body, aad: "AAAA"));
        _xks.Post(_xks.KeyPath("metadata"), XksTestProxy.MetadataExample);
        _xks.Post("health", XksTestProxy.HealthExample);
        _xks.Post("health", XksTestProxy.HealthExample, sign: false);
        _xks.Post(_xks.KeyPath("encrypt"), "{");
        var material = _xks.Material;
        string[] forms = [Convert.ToBase64String(material), Convert.ToHexStringLower(material), Convert.ToHexString(material), Convert.ToBase64String(material[..12]), Convert.ToBase64String(material[^12..])];
        var said = string.Join('\n', _xks.Bodies) + _xks.Log + string.Join(',', _xks.Keys.Keys) + _xks.Proxy.Credential;
        Assert.All(forms, form => Assert.DoesNotContain(form, said));
        Assert.DoesNotContain(XksTestProxy.Credential.RawSecretAccessKey, said);
    }

    [SkippableFact]
    public async Task A_request_signed_by_botocore_is_served()
    {
        var python = ExternalClients.Python("botocore");
        ExternalClients.Require(python is not null, "python3 with botocore (boto3)");
        // botocore's SigV4Auth signs the request as an AWS client would, at its own time; the script prints the headers it set.
        const string script = """
            import sys, json
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            url, body, key, secret = sys.argv[1:]
            request = AWSRequest(method="POST", url=url, data=body.encode(), headers={"Content-Type": "application/json"})
            SigV4Auth(Credentials(key, secret), "kms-xks-proxy", "us-west-2").add_auth(request)
            print(json.dumps(dict(request.headers.items())))
            """;
        var url = $"https://{XksTestProxy.Host}{XksTestProxy.UriPath}/keys/{XksTestProxy.KeyId}/encrypt";
        var result = await ExternalClients.RunAsync(python!, ["-c", script, url, XksTestProxy.EncryptExample, XksTestProxy.Credential.AccessKeyId, XksTestProxy.Credential.RawSecretAccessKey],
            Path.GetTempPath(), new Dictionary<string, string>(), TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(result.Stdout)!;
        Assert.Contains("/kms-xks-proxy/aws4_request", headers["Authorization"]);
        // The proxy's (frozen) clock reads the time botocore signed at.
        var signedAt = DateTimeOffset.ParseExact(headers["X-Amz-Date"], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        var xks = new XksTestProxy(signedAt);
        var lookup = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase) { ["Host"] = XksTestProxy.Host };
        var request = new KmsLab.Hosting.EndpointRequest("POST", $"{XksTestProxy.UriPath}/keys/{XksTestProxy.KeyId}/encrypt", name => lookup.GetValueOrDefault(name), Encoding.UTF8.GetBytes(XksTestProxy.EncryptExample));
        var served = xks.Send(request);
        Assert.True(served.Status == 200, served.Text + "\n" + result.Stdout);
        var forged = new Dictionary<string, string>(lookup, StringComparer.OrdinalIgnoreCase) { ["Authorization"] = headers["Authorization"][..^4] + "0000" };
        xks.Send(request with { Header = name => forged.GetValueOrDefault(name) }).IsError(401, "AuthenticationFailedException");
    }
}
