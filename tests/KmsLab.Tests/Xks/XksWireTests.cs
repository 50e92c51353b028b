using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KmsLab.Xks;

namespace KmsLab.Tests.Xks;

/// <summary>
/// The XKS Proxy API's operations on the wire, held to the specification's request and response
/// examples: field names, shapes, status codes and errors.
/// </summary>
public sealed class XksWireTests
{
    private readonly XksTestProxy _xks = new();

    private static List<string> Members(JsonElement body) => [.. body.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void GetHealthStatus_answers_the_specifications_example_with_every_required_member()
    {
        var answer = _xks.Post("health", XksTestProxy.HealthExample);
        Assert.Equal(200, answer.Status);
        Assert.Equal(["xksProxyFleetSize", "xksProxyVendor", "xksProxyModel", "ekmVendor", "ekmFleetDetails"], Members(answer.Body));
        Assert.True(answer.Body.GetProperty("xksProxyFleetSize").GetInt32() > 0);
        var fleet = answer.Body.GetProperty("ekmFleetDetails").EnumerateArray().ToList();
        Assert.InRange(fleet.Count, 1, 10);
        Assert.All(fleet, e =>
        {
            Assert.Equal(["id", "model", "healthStatus"], Members(e));
            Assert.Equal("ACTIVE", e.GetProperty("healthStatus").GetString());
        });
        Assert.Contains("GetHealthStatus -> 200 kmsOperation=CreateCustomKeyStore kmsRequestId=4112f4d6-db54-4af4-ae30-c55a22a8dfae region=us-east-2", _xks.Log.ToString());
    }

    [Fact]
    public void GetHealthStatus_takes_any_kmsOperation_and_no_validation()
    {
        // The specification: the proxy MUST NOT reject a kmsOperation it does not know; ValidationException is not among GetHealthStatus's errors.
        Assert.Equal(200, _xks.Post("health", """{"requestMetadata":{"kmsRequestId":"x","kmsOperation":"SomeFutureOperation"}}""").Status);
        Assert.Equal(200, _xks.Post("health", """{"requestMetadata":{"kmsRequestId":"1124f4d6","kmsOperation":"KmsHealthCheck"},"extra":1}""").Status);
    }

    [Fact]
    public void GetKeyMetadata_answers_the_specifications_example_exactly()
    {
        var answer = _xks.Post(_xks.KeyPath("metadata"), XksTestProxy.MetadataExample);
        Assert.Equal(200, answer.Status);
        Assert.Equal("""{"keySpec":"AES_256","keyUsage":["ENCRYPT","DECRYPT"],"keyStatus":"ENABLED"}""", answer.Text);
    }

    [Fact]
    public void A_disabled_key_is_reported_DISABLED_and_refuses_encrypt_and_decrypt_with_InvalidStateException()
    {
        var encrypted = _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample);
        _xks.Keys.SetStatus(XksTestProxy.KeyId, XksKeyStatus.Disabled);
        Assert.Equal("DISABLED", _xks.Post(_xks.KeyPath("metadata"), XksTestProxy.MetadataExample).Member("keyStatus"));
        _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample).IsError(400, "InvalidStateException");
        _xks.Post(_xks.KeyPath("decrypt"), XksTestProxy.DecryptExample(encrypted.Body)).IsError(400, "InvalidStateException");
        _xks.Keys.SetStatus(XksTestProxy.KeyId, XksKeyStatus.Enabled);
        Assert.Equal(200, _xks.Post(_xks.KeyPath("decrypt"), XksTestProxy.DecryptExample(encrypted.Body)).Status);
    }

    [Fact]
    public void Encrypt_answers_the_specifications_example_in_its_shape_with_a_correct_CDIV()
    {
        var answer = _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample);
        Assert.Equal(200, answer.Status);
        Assert.Equal(["ciphertext", "ciphertextMetadata", "initializationVector", "authenticationTag", "ciphertextDataIntegrityValue"], Members(answer.Body));
        var ciphertext = answer.Bytes("ciphertext");
        var metadata = answer.Bytes("ciphertextMetadata");
        var iv = answer.Bytes("initializationVector");
        var tag = answer.Bytes("authenticationTag");
        Assert.Equal("Hello World!".Length, ciphertext.Length); // AES-GCM: as long as the plaintext
        Assert.Equal(12, iv.Length);
        Assert.Equal(16, tag.Length);
        Assert.InRange(metadata.Length, 1, 20);
        // Appendix C, computed here: SHA-256 over AAD || ciphertextMetadata || IV || ciphertext || tag.
        var aad = Encoding.ASCII.GetBytes("project=nile,department=marketing");
        var expected = SHA256.HashData([.. aad, .. metadata, .. iv, .. ciphertext, .. tag]);
        Assert.Equal(Convert.ToBase64String(expected), answer.Member("ciphertextDataIntegrityValue"));
        Assert.DoesNotContain("SGVsbG8gV29ybGQh", _xks.Log.ToString()); // plaintext MUST NOT be logged
        Assert.Contains("Encrypt key=1234abcd-12ab-34cd-56ef-1234567890ab -> 200 kmsOperation=Encrypt kmsRequestId=4112f4d6-db54-4af4-ae30-c55a22a8dfae principal=arn:aws:iam::123456789012:user/Alice via=ebs", _xks.Log.ToString());
    }

    [Fact]
    public void Encrypt_without_a_CDIV_algorithm_returns_no_CDIV_and_without_AAD_still_decrypts()
    {
        var request = """{"requestMetadata":{"awsPrincipalArn":"arn:aws:iam::123456789012:user/Alice","kmsKeyArn":"arn:aws:kms:us-east-2:123456789012:key/k","kmsOperation":"GenerateDataKey","kmsRequestId":"4112f4d6"},"plaintext":"SGVsbG8gV29ybGQh","encryptionAlgorithm":"AES_GCM"}""";
        var answer = _xks.Post(_xks.KeyPath("encrypt"), request);
        Assert.Equal(200, answer.Status);
        Assert.False(answer.Body.TryGetProperty("ciphertextDataIntegrityValue", out _));
        var decrypt = $$"""{"requestMetadata":{"awsPrincipalArn":"a","kmsKeyArn":"k","kmsOperation":"Decrypt","kmsRequestId":"r"},"ciphertext":"{{answer.Member("ciphertext")}}","ciphertextMetadata":"{{answer.Member("ciphertextMetadata")}}","initializationVector":"{{answer.Member("initializationVector")}}","authenticationTag":"{{answer.Member("authenticationTag")}}","encryptionAlgorithm":"AES_GCM"}""";
        Assert.Equal("""{"plaintext":"SGVsbG8gV29ybGQh"}""", _xks.Post(_xks.KeyPath("decrypt"), decrypt).Text);
    }

    [Fact]
    public void Decrypt_round_trip_answers_the_specifications_example_response()
    {
        var encrypted = _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample);
        var answer = _xks.Post(_xks.KeyPath("decrypt"), XksTestProxy.DecryptExample(encrypted.Body));
        Assert.Equal(200, answer.Status);
        Assert.Equal("""{"plaintext":"SGVsbG8gV29ybGQh"}""", answer.Text); // the specification's Decrypt response example
    }

    [Fact]
    public void An_unknown_key_is_KeyNotFoundException_404_for_every_key_operation()
    {
        _xks.Post(_xks.KeyPath("metadata", "no-such-key"), XksTestProxy.MetadataExample).IsError(404, "KeyNotFoundException");
        _xks.Post(_xks.KeyPath("encrypt", "no-such-key"), XksTestProxy.EncryptExample).IsError(404, "KeyNotFoundException");
        var encrypted = _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample);
        _xks.Post(_xks.KeyPath("decrypt", "no-such-key"), XksTestProxy.DecryptExample(encrypted.Body)).IsError(404, "KeyNotFoundException");
    }

    [Theory]
    [InlineData("""{"plaintext":"SGVsbG8gV29ybGQh","encryptionAlgorithm":"AES_GCM"}""", "requestMetadata is missing")]
    [InlineData("""{"requestMetadata":{"awsPrincipalArn":"a","kmsOperation":"Encrypt","kmsRequestId":"r"},"plaintext":"SGVsbG8gV29ybGQh","encryptionAlgorithm":"AES_GCM"}""", "requestMetadata.kmsKeyArn is missing")]
    [InlineData("""{"requestMetadata":{"awsPrincipalArn":"a","kmsKeyArn":"k","kmsOperation":"Encrypt","kmsRequestId":"r"},"encryptionAlgorithm":"AES_GCM"}""", "plaintext is missing")]
    [InlineData("""{"requestMetadata":{"awsPrincipalArn":"a","kmsKeyArn":"k","kmsOperation":"Encrypt","kmsRequestId":"r"},"plaintext":"not base64!","encryptionAlgorithm":"AES_GCM"}""", "plaintext is not standard Base64")]
    [InlineData("""{"requestMetadata":{"awsPrincipalArn":"a","kmsKeyArn":"k","kmsOperation":"Encrypt","kmsRequestId":"r"},"plaintext":"SGVsbG8gV29ybGQh"}""", "encryptionAlgorithm is missing")]
    [InlineData("""{"requestMetadata":""", "not the JSON")]
    [InlineData("""null""", "JSON null")]
    public void A_malformed_encrypt_request_is_ValidationException_400(string body, string says)
    {
        var answer = _xks.Post(_xks.KeyPath("encrypt"), body);
        answer.IsError(400, "ValidationException");
        Assert.Contains(says, answer.Member("errorMessage"));
    }

    [Fact]
    public void An_unknown_kmsOperation_is_not_a_reason_to_refuse()
    {
        var body = XksTestProxy.EncryptExample.Replace("\"kmsOperation\": \"Encrypt\"", "\"kmsOperation\": \"BulkEncrypt\"", StringComparison.Ordinal);
        Assert.Equal(200, _xks.Post(_xks.KeyPath("encrypt"), body).Status);
    }

    [Theory]
    [InlineData("\"encryptionAlgorithm\": \"AES_GCM\"", "\"encryptionAlgorithm\": \"RSAES_OAEP_SHA_256\"")]
    [InlineData("\"ciphertextDataIntegrityValueAlgorithm\": \"SHA_256\"", "\"ciphertextDataIntegrityValueAlgorithm\": \"SHA_512\"")]
    public void An_algorithm_version_1_does_not_define_is_UnsupportedOperationException_501(string from, string to) =>
        _xks.Post(_xks.KeyPath("encrypt"), XksTestProxy.EncryptExample.Replace(from, to, StringComparison.Ordinal)).IsError(501, "UnsupportedOperationException");

    [Fact]
    public void Plaintext_and_AAD_up_to_the_specifications_minimums_are_taken_and_larger_than_supported_is_501()
    {
        string Request(int plaintextBytes, int aadBytes) => $$"""{"requestMetadata":{"awsPrincipalArn":"a","kmsKeyArn":"k","kmsOperation":"Encrypt","kmsRequestId":"r"},"plaintext":"{{Convert.ToBase64String(new byte[plaintextBytes])}}","additionalAuthenticatedData":"{{Convert.ToBase64String(new byte[aadBytes])}}","encryptionAlgorithm":"AES_GCM"}""";
        Assert.Equal(200, _xks.Post(_xks.KeyPath("encrypt"), Request(4300, 8192)).Status); // MUST support 4300 bytes of plaintext and 8192 of AAD
        _xks.Post(_xks.KeyPath("encrypt"), Request(XksProxy.MaxDataBytes + 1, 0)).IsError(501, "UnsupportedOperationException");
    }

    [Fact]
    public void Unknown_members_anywhere_are_ignored()
    {
        var body = XksTestProxy.MetadataExample.Replace("\"kmsOperation\"", "\"kmsRecipientAttestationImageSha384\": \"abc\", \"kmsOperation\"", StringComparison.Ordinal);
        Assert.Equal(200, _xks.Post(_xks.KeyPath("metadata"), body).Status);
    }
}
