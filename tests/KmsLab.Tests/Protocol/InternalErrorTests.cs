using System.Net;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Protocol;

/// <summary>
/// A simulator bug is never disguised as bad input: an exception the engine did not mean to throw
/// is HTTP 500 KMSInternalException, in process and through <c>kmslab serve</c>, and is audited.
/// </summary>
public class InternalErrorTests
{
    /// <summary>Breaks a key behind the engine's back (enabled, but its material gone), so the next Encrypt throws InvalidOperationException inside the engine.</summary>
    private static async Task<string> BrokenKeyAsync(Lab lab, IAmazonKeyManagementService kms)
    {
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        lab.World.Region(lab.AccountId, "us-east-1").Find(Guid.Parse(key.KeyId))!.RemoveMaterials();
        return key.KeyId;
    }

    [Fact]
    public async Task An_unexpected_exception_in_process_is_500_KMSInternalException()
    {
        var lab = new TestLab().Lab;
        var log = new StringWriter();
        lab.Adapter.Log = log;
        var kms = lab.CreateKmsClient();
        var keyId = await BrokenKeyAsync(lab, kms);
        using (FailOnInternalErrorAttribute.Expect(lab))
        {
            var e = await Assert.ThrowsAsync<KMSInternalException>(() => kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream([1, 2, 3]) }));
            Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
            Assert.Contains("InvalidOperationException", e.Message);
        }
        Assert.Contains("InvalidOperationException", log.ToString());
        Assert.Contains(" at ", log.ToString()); // the stack
        var audited = lab.AuditTrail.Query(operation: "Encrypt").Single();
        Assert.Equal("KMSInternalException", audited.ErrorCode);
        // The simulator goes on serving.
        Assert.NotEmpty((await kms.ListKeysAsync(new ListKeysRequest())).Keys);
    }

    [Fact]
    public async Task An_unexpected_exception_through_serve_is_500_KMSInternalException()
    {
        await using var served = await ServedLab.StartAsync();
        var kms = served.CreateClient();
        var keyId = await BrokenKeyAsync(served.Lab, kms);
        using (FailOnInternalErrorAttribute.Expect(served.Lab))
        {
            var e = await Assert.ThrowsAsync<KMSInternalException>(() => kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream([1, 2, 3]) }));
            Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        }
        Assert.NotEmpty((await kms.ListKeysAsync(new ListKeysRequest())).Keys);
    }

    [Fact]
    public async Task Malformed_input_is_still_SerializationException_not_500()
    {
        var lab = new TestLab().Lab;
        using var client = new HttpClient(new KmsLab.Protocol.KmsHttpMessageHandler(lab.Adapter));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/");
        var body = """{"KeyId":"x","Plaintext":"@@@"}"""u8.ToArray();
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "TrentService.Encrypt");
        TestSigner.Sign(request, body, lab.Admin.AccessKeyId, lab.Admin.SecretAccessKey);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("SerializationException", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_suite_fails_any_test_in_which_the_simulator_fails_internally() => Assert.True(FailOnInternalErrorAttribute.Attached);
}
