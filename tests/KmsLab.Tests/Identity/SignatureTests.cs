using Amazon.KeyManagementService.Model;
using KmsLab.Simulation;

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
