using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Identity;

/// <summary>aws:RequestTag/&lt;key&gt; and aws:TagKeys: IAM policies that demand or forbid tags on CreateKey, TagResource and UntagResource.</summary>
public class RequestTagConditionTests
{
    [Fact]
    public async Task CreateKey_and_tagging_see_the_request_tags()
    {
        var lab = new TestLab();
        lab.Lab.PutIdentityPolicy("myKeyUser", "TaggedKeysOnly", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["kms:CreateKey","kms:TagResource","kms:UntagResource"],"Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"payroll"}}},
              {"Effect":"Allow","Action":"kms:UntagResource","Resource":"*"},
              {"Effect":"Deny","Action":"kms:UntagResource","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"team*"}}}]}
            """);
        var kms = lab.Lab.CreateKmsClient("myKeyUser");
        await KmsAssert.Code("AccessDeniedException", () => kms.CreateKeyAsync(new CreateKeyRequest()));
        await KmsAssert.Code("AccessDeniedException", () => kms.CreateKeyAsync(new CreateKeyRequest { Tags = [new Tag { TagKey = "team", TagValue = "hr" }] }));
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Tags = [new Tag { TagKey = "team", TagValue = "payroll" }, new Tag { TagKey = "env", TagValue = "lab" }] })).KeyMetadata.KeyId;

        await kms.TagResourceAsync(new TagResourceRequest { KeyId = key, Tags = [new Tag { TagKey = "team", TagValue = "payroll" }] });
        await KmsAssert.Code("AccessDeniedException", () => kms.TagResourceAsync(new TagResourceRequest { KeyId = key, Tags = [new Tag { TagKey = "team", TagValue = "hr" }] }));
        await kms.UntagResourceAsync(new UntagResourceRequest { KeyId = key, TagKeys = ["env"] });
        var denied = await KmsAssert.Code("AccessDeniedException", () => kms.UntagResourceAsync(new UntagResourceRequest { KeyId = key, TagKeys = ["env", "team"] }));
        Assert.Contains("with an explicit deny in an identity-based policy", denied.Message);
    }
}
