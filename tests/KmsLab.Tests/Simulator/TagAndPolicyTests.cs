using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Simulator;

public class TagAndPolicyTests
{
    private readonly TestLab _lab = new();
    private IAmazonKeyManagementService Kms => _lab.Kms;

    private static Tag T(string k, string v) => new() { TagKey = k, TagValue = v };

    [Fact]
    public async Task Tags_are_added_replaced_listed_and_removed()
    {
        var key = (await Kms.CreateKeyAsync(new CreateKeyRequest { Tags = [T("team", "payments")] })).KeyMetadata;
        await Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.Arn, Tags = [T("env", "dev"), T("team", "risk")] });
        var tags = (await Kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId })).Tags;
        Assert.Equal(["team=risk", "env=dev"], tags.Select(t => $"{t.TagKey}={t.TagValue}"));

        await Kms.UntagResourceAsync(new UntagResourceRequest { KeyId = key.KeyId, TagKeys = ["team", "absent"] });
        Assert.Equal(["env"], (await Kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId })).Tags.Select(t => t.TagKey));
    }

    [Fact]
    public async Task Tags_are_limited_to_50_per_key_and_by_length()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = Enumerable.Range(0, 50).Select(i => T($"k{i}", "v")).ToList() });
        await KmsAssert.Throws<TagException>(() => Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("one-more", "v")] }));
        await Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("k0", "replacing is fine")] });
        await KmsAssert.Validation(() => Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T(new string('k', 129), "v")] }), "Member must have length less than or equal to 128");
        await KmsAssert.Validation(() => Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("k", new string('v', 257))] }), "Member must have length less than or equal to 256");
        await KmsAssert.Validation(() => Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("", "v")] }), "Member must have length greater than or equal to 1");
        await KmsAssert.Throws<TagException>(() => Kms.CreateKeyAsync(new CreateKeyRequest { Tags = [T("aws:reserved", "v")] }));
    }

    [Fact]
    public async Task ListResourceTags_pages()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("a", "1"), T("b", "2"), T("c", "3")] });
        var first = await Kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId, Limit = 2 });
        Assert.True(first.Truncated);
        var second = await Kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId, Limit = 2, Marker = first.NextMarker });
        Assert.Equal(["a", "b", "c"], first.Tags.Concat(second.Tags).Select(t => t.TagKey));
        int tooMany = 51;
        await KmsAssert.Validation(() => Kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId, Limit = tooMany }), "less than or equal to 50");
    }

    [Fact]
    public async Task A_new_key_gets_the_default_key_policy_that_trusts_the_account_root()
    {
        var key = await _lab.CreateKeyAsync();
        var response = await Kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId });
        Assert.Equal("default", response.PolicyName);
        using var policy = JsonDocument.Parse(response.Policy);
        Assert.Equal("key-default-1", policy.RootElement.GetProperty("Id").GetString());
        var statement = Assert.Single(policy.RootElement.GetProperty("Statement").EnumerateArray());
        Assert.Equal("Enable IAM User Permissions", statement.GetProperty("Sid").GetString());
        Assert.Equal("arn:aws:iam::111122223333:root", statement.GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal("kms:*", statement.GetProperty("Action").GetString());
        Assert.Equal(["default"], (await Kms.ListKeyPoliciesAsync(new ListKeyPoliciesRequest { KeyId = key.KeyId })).PolicyNames);
    }

    [Fact]
    public async Task PutKeyPolicy_stores_a_valid_policy_and_rejects_malformed_ones()
    {
        var key = await _lab.CreateKeyAsync();
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}""";
        await Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.Arn, Policy = policy });
        Assert.Equal(policy, (await Kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" })).Policy);

        string[] malformed =
        [
            "not json",
            "[]",
            """{"Version":"2012-10-17"}""",
            """{"Version":"2012-10-17","Statement":[]}""",
            """{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"kms:*","Resource":"*"}]}""",
            """{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""",
            """{"Statement":[{"Effect":"Allow","Principal":"*","Resource":"*"}]}""",
            """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Bogus":1}]}""",
            """{"Version":"1999-01-01","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}""",
        ];
        foreach (var bad in malformed)
        {
            await KmsAssert.Throws<MalformedPolicyDocumentException>(() => Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = bad }));
        }
        Assert.Equal(policy, (await Kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy);
    }

    [Fact]
    public async Task A_key_has_one_policy_named_default()
    {
        var key = await _lab.CreateKeyAsync();
        await KmsAssert.Throws<NotFoundException>(() => Kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "other" }));
        await KmsAssert.Throws<NotFoundException>(() => Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "other", Policy = "{}" }));
        await KmsAssert.Validation(() => Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId }), "Value null at 'policy'");
    }

    [Fact]
    public async Task CreateKey_with_a_policy_keeps_it()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Sid":"root","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}]}""";
        var key = (await Kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata;
        Assert.Equal(policy, (await Kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy);
    }
}
