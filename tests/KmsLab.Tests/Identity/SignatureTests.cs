using Amazon.KeyManagementService.Model;
using KmsLab.Simulation;
using KmsLab.Simulation.Identity;

namespace KmsLab.Tests.Identity;

public class SignatureTests
{
    [Fact]
    public async Task The_real_SDK_client_with_a_wrong_secret_key_is_refused_with_InvalidSignatureException()
    {
        var lab = new TestLab();
        var client = ClientFor(lab, ImpostorOf(lab.Lab.Admin));
        var e = await KmsAssert.Code("InvalidSignatureException", () => client.ListKeysAsync(new ListKeysRequest()));
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", e.Message);
        Assert.Empty(lab.Lab.AuditTrail.Events);
    }

    [Fact]
    public async Task Principals_taking_turns_are_each_checked_against_their_own_secret()
    {
        // The verifier keeps the signing key it used last; turns between principals, and an impostor
        // between them, must never be checked against another principal's key.
        var lab = new TestLab();
        var adminClient = ClientFor(lab, lab.Lab.Admin);
        var impostorClient = ClientFor(lab, ImpostorOf(lab.Lab.Admin));
        var turns = new[] { adminClient, lab.Lab.CreateKmsClient("myKeyUser"), impostorClient, adminClient, impostorClient, lab.Lab.CreateKmsClient("myKeyManager"), adminClient };
        foreach (var client in turns)
        {
            string? code = null;
            try
            {
                await client.ListAliasesAsync(new ListAliasesRequest());
            }
            catch (Amazon.Runtime.AmazonServiceException e)
            {
                code = e.ErrorCode;
            }
            // Whether the policy then allows the call is not the point: the signature check is.
            Assert.Equal(ReferenceEquals(client, impostorClient), code == "InvalidSignatureException");
        }
    }

    [Fact]
    public async Task The_real_SDK_client_with_an_unknown_access_key_is_refused_with_UnrecognizedClientException()
    {
        var lab = new TestLab();
        var stranger = new LabPrincipal(lab.Lab.AccountId, "stranger", PrincipalKind.User, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        var client = ClientFor(lab, stranger);
        var e = await KmsAssert.Code("UnrecognizedClientException", () => client.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("The security token included in the request is invalid.", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_signed_header_with_text_beyond_ASCII_and_runs_of_spaces_is_checked_as_SigV4_canonicalizes_it(bool tampered)
    {
        // The verifier writes the canonical request as UTF-8 directly, narrowing ASCII fast and
        // transcoding the rest; a value outside ASCII, with spaces to collapse, must still verify.
        var lab = new TestLab();
        var body = "{}"u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.ListKeys");
        request.Headers.TryAddWithoutValidation("X-Amz-Meta-Note", "  caf\u00e9   au  lait \U0001F375 ");
        KmsLab.Tests.Protocol.TestSigner.Sign(request, body, lab.Lab.Admin.AccessKeyId, lab.Lab.Admin.SecretAccessKey, alsoSign: ["X-Amz-Meta-Note"]);
        if (tampered)
        {
            request.Headers.Remove("X-Amz-Meta-Note");
            request.Headers.TryAddWithoutValidation("X-Amz-Meta-Note", "caf\u00e8 au lait \U0001F375");
        }
        using var client = new HttpClient(new KmsLab.Protocol.KmsHttpMessageHandler(lab.Lab.Adapter));
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (tampered) Assert.Contains("InvalidSignatureException", text);
        else Assert.True(response.IsSuccessStatusCode, text);
    }

    /// <summary>The principal's access key with a secret that is not its own.</summary>
    private static LabPrincipal ImpostorOf(LabPrincipal principal) =>
        new(principal.AccountId, principal.Name, PrincipalKind.User, principal.AccessKeyId, "wrongwrongwrongwrongwrongwrongwrongwrong");

    /// <summary>The real SDK client signing as <paramref name="principal"/>, whatever its secret.</summary>
    private static Amazon.KeyManagementService.IAmazonKeyManagementService ClientFor(TestLab lab, LabPrincipal principal) =>
        Lab.CreateSdkClient(new KmsLab.Protocol.KmsHttpMessageHandler(lab.Lab.Adapter), principal, lab.Lab.DefaultRegion, 0);

    [Fact]
    public void Lab_principals_have_stable_access_keys()
    {
        var a = Lab.Simulator().GetCredentials("myKeyUser");
        var b = Lab.Simulator().GetCredentials("myKeyUser");
        Assert.Equal(a, b);
        Assert.StartsWith("AKIA", a.AccessKeyId);
        Assert.Equal(20, a.AccessKeyId.Length);
        Assert.Equal(40, a.SecretAccessKey.Length);
        Assert.Equal("arn:aws:iam::111122223333:user/myKeyUser", a.Arn);
    }
}
