using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Simulator;

public class AliasTests
{
    private readonly TestLab _lab = new();
    private IAmazonKeyManagementService Kms => _lab.Kms;

    [Fact]
    public async Task CreateAlias_ListAliases_UpdateAlias_DeleteAlias()
    {
        var first = await _lab.CreateKeyAsync();
        var second = await _lab.CreateKeyAsync();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/app/orders", TargetKeyId = first.Arn });

        var listed = Assert.Single((await Kms.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => !a.AliasName.StartsWith("alias/aws/", StringComparison.Ordinal));
        Assert.Equal("alias/app/orders", listed.AliasName);
        Assert.Equal("arn:aws:kms:us-east-1:111122223333:alias/app/orders", listed.AliasArn);
        Assert.Equal(first.KeyId, listed.TargetKeyId);
        Assert.Equal(TestLab.Start.UtcDateTime, listed.CreationDate);

        _lab.Lab.Clock.Advance(TimeSpan.FromHours(1));
        await Kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = "alias/app/orders", TargetKeyId = second.KeyId });
        var updated = Assert.Single((await Kms.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => !a.AliasName.StartsWith("alias/aws/", StringComparison.Ordinal));
        Assert.Equal(second.KeyId, updated.TargetKeyId);
        Assert.Equal(TestLab.Start.AddHours(1).UtcDateTime, updated.LastUpdatedDate);
        Assert.Equal(second.Arn, (await Kms.EncryptAsync(new EncryptRequest { KeyId = "alias/app/orders", Plaintext = Bytes.Stream("x") })).KeyId);

        Assert.Empty((await Kms.ListAliasesAsync(new ListAliasesRequest { KeyId = first.KeyId })).Aliases);
        Assert.Single((await Kms.ListAliasesAsync(new ListAliasesRequest { KeyId = second.Arn })).Aliases);

        await Kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/app/orders" });
        Assert.DoesNotContain((await Kms.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => a.AliasName == "alias/app/orders");
        await KmsAssert.Throws<NotFoundException>(() => Kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/app/orders" }));
        await KmsAssert.Throws<NotFoundException>(() => Kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = "alias/app/orders", TargetKeyId = first.KeyId }));
    }

    [Fact]
    public async Task Alias_names_are_unique_per_account_and_Region()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/unique", TargetKeyId = key.KeyId });
        var e = await KmsAssert.Throws<AlreadyExistsException>(() => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/unique", TargetKeyId = key.KeyId }));
        Assert.Equal("An alias with the name arn:aws:kms:us-east-1:111122223333:alias/unique already exists", e.Message);

        // Another Region is another namespace.
        var west = _lab.Lab.CreateKmsClient(Amazon.RegionEndpoint.USWest2);
        var westKey = (await west.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await west.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/unique", TargetKeyId = westKey.KeyId });
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("alias/")]
    [InlineData("aliases/orders")]
    [InlineData("alias/has:colon")]
    public async Task Alias_names_must_start_with_alias_slash(string name)
    {
        var key = await _lab.CreateKeyAsync();
        await KmsAssert.Validation(() => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = name, TargetKeyId = key.KeyId }), "Alias must start with the prefix \"alias/\"");
    }

    [Fact]
    public async Task Alias_names_follow_the_model_pattern_and_length()
    {
        var key = await _lab.CreateKeyAsync();
        var spaced = "alias/with" + " space"; // computed at run time: the SDK's analyzer checks constants only
        await KmsAssert.Validation(() => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = spaced, TargetKeyId = key.KeyId }), "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        await KmsAssert.Validation(() => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/" + new string('a', 251), TargetKeyId = key.KeyId }), "Member must have length less than or equal to 256");
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/" + new string('a', 250), TargetKeyId = key.KeyId });
        await KmsAssert.Validation(() => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/x" }), "Value null at 'targetKeyId'");
    }

    [Fact]
    public async Task The_alias_aws_prefix_is_reserved()
    {
        var key = await _lab.CreateKeyAsync();
        await KmsAssert.Code("NotAuthorizedException", () => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/aws/s3", TargetKeyId = key.KeyId }));
    }

    [Fact]
    public async Task An_alias_targets_a_key_id_or_ARN_not_another_alias()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/one", TargetKeyId = key.KeyId });
        await KmsAssert.Throws<NotFoundException>(() => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/two", TargetKeyId = "alias/one" }));
        await KmsAssert.Throws<NotFoundException>(() => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/two", TargetKeyId = "00000000-0000-4000-8000-000000000000" }));
    }

    [Fact]
    public async Task A_key_has_at_most_50_aliases()
    {
        var key = await _lab.CreateKeyAsync();
        for (int i = 0; i < 50; i++) await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = $"alias/many-{i}", TargetKeyId = key.KeyId });
        await KmsAssert.Throws<LimitExceededException>(() => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/many-50", TargetKeyId = key.KeyId }));
    }

    [Fact]
    public async Task ListAliases_pages()
    {
        var key = await _lab.CreateKeyAsync();
        for (int i = 0; i < 5; i++) await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = $"alias/p{i}", TargetKeyId = key.KeyId });
        var first = await Kms.ListAliasesAsync(new ListAliasesRequest { KeyId = key.KeyId, Limit = 2 });
        Assert.True(first.Truncated);
        Assert.Equal(["alias/p0", "alias/p1"], first.Aliases.Select(a => a.AliasName));
        var rest = await Kms.ListAliasesAsync(new ListAliasesRequest { KeyId = key.KeyId, Limit = 10, Marker = first.NextMarker });
        Assert.False(rest.Truncated);
        Assert.Equal(["alias/p2", "alias/p3", "alias/p4"], rest.Aliases.Select(a => a.AliasName));
    }
}
