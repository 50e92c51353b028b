using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Services;

namespace KmsLab.Tests.Simulator;

/// <summary>
/// AWS managed keys and the predefined aliases (SDK doc text of ListAliases): aliases AWS created
/// but has not associated with a key yet are listed without a TargetKeyId; a service's first use
/// creates the key (KeyManager AWS), which no customer can manage.
/// </summary>
public class AwsManagedKeyTests
{
    private readonly TestLab _lab = new();

    private IAmazonKeyManagementService Kms => _lab.Kms;

    [Fact]
    public async Task ListAliases_lists_the_predefined_aws_aliases_without_a_TargetKeyId_until_the_service_creates_the_key()
    {
        var aliases = (await Kms.ListAliasesAsync(new ListAliasesRequest())).Aliases;
        string[] services = ["dynamodb", "ebs", "elasticfilesystem", "es", "glue", "kinesisvideo", "lambda", "rds", "redshift", "s3", "secretsmanager", "ssm", "xray"];
        Assert.Equal(services.Select(s => $"alias/aws/{s}"), aliases.Select(a => a.AliasName));
        Assert.All(aliases, a =>
        {
            Assert.Null(a.TargetKeyId);
            Assert.Null(a.CreationDate);
            Assert.Equal($"arn:aws:kms:us-east-1:{_lab.Lab.AccountId}:{a.AliasName}", a.AliasArn);
        });

        // Predefined aliases are listed among the others in name order, and only without a KeyId filter.
        var key = await _lab.CreateKeyAsync();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/app", TargetKeyId = key.KeyId });
        var arn = _lab.Lab.UseAwsManagedKey("ebs");
        aliases = (await Kms.ListAliasesAsync(new ListAliasesRequest())).Aliases;
        Assert.Equal("alias/app", aliases[0].AliasName);
        var ebs = Assert.Single(aliases, a => a.AliasName == "alias/aws/ebs");
        Assert.Equal(arn.Split('/')[^1], ebs.TargetKeyId);
        Assert.Equal(TestLab.Start.UtcDateTime, ebs.CreationDate);
        Assert.Equal(["alias/aws/ebs"], (await Kms.ListAliasesAsync(new ListAliasesRequest { KeyId = arn })).Aliases.Select(a => a.AliasName));
        Assert.Equal(["alias/app"], (await Kms.ListAliasesAsync(new ListAliasesRequest { KeyId = key.KeyId })).Aliases.Select(a => a.AliasName));
        // Paging goes through the whole name-ordered list.
        var page = await Kms.ListAliasesAsync(new ListAliasesRequest { Limit = 3 });
        var next = await Kms.ListAliasesAsync(new ListAliasesRequest { Marker = page.NextMarker });
        Assert.Equal(aliases.Select(a => a.AliasName), page.Aliases.Concat(next.Aliases).Select(a => a.AliasName));
    }

    [Theory]
    [InlineData("ebs", "ec2", "EBS volumes")]
    [InlineData("rds", "rds", "RDS")]
    [InlineData("dynamodb", "dynamodb", "DynamoDB")]
    [InlineData("lambda", "lambda", "Lambda")]
    [InlineData("secretsmanager", "secretsmanager", "Secrets Manager")]
    [InlineData("elasticfilesystem", "elasticfilesystem", "EFS")]
    public async Task A_service_s_first_use_creates_its_AWS_managed_key_usable_only_through_the_service(string service, string viaService, string described)
    {
        var arn = _lab.Lab.UseAwsManagedKey(service);
        Assert.Equal(arn, _lab.Lab.UseAwsManagedKey(service)); // created once
        var key = (await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = $"alias/aws/{service}" })).KeyMetadata;
        Assert.Equal(arn, key.Arn);
        Assert.Equal(KeyManagerType.AWS, key.KeyManager);
        Assert.Contains(described, key.Description);
        Assert.True((await Kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = arn })).KeyRotationEnabled);
        var policy = (await Kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = arn })).Policy;
        Assert.Contains($"\"kms:ViaService\" : \"{viaService}.us-east-1.amazonaws.com\"", policy);
        // Direct use is denied: the key policy allows use only through the service.
        await KmsAssert.Code("AccessDeniedException", () => Kms.EncryptAsync(new EncryptRequest { KeyId = arn, Plaintext = Bytes.Stream("x") }));
    }

    [Fact]
    public async Task Customers_cannot_manage_an_AWS_managed_key()
    {
        var arn = _lab.Lab.UseAwsManagedKey("rds");
        await KmsAssert.Code("AccessDeniedException", () => Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = arn }), "kms:DisableKey");
        await KmsAssert.Code("AccessDeniedException", () => Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = arn, PendingWindowInDays = 7 }), "kms:ScheduleKeyDeletion");
        await KmsAssert.Code("AccessDeniedException", () => Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = arn, Policy = """{"Version":"2012-10-17","Statement":[]}""" }), "kms:PutKeyPolicy");
        await KmsAssert.Code("AccessDeniedException", () => Kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = arn }));
        await KmsAssert.Code("AccessDeniedException", () => Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = arn }));
        await KmsAssert.Code("AccessDeniedException", () => Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = arn, GranteePrincipal = $"arn:aws:iam::{_lab.Lab.AccountId}:user/myKeyUser", Operations = ["Decrypt"] }));
        await KmsAssert.Code("AccessDeniedException", () => Kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = "alias/aws/rds", TargetKeyId = arn }));
        Assert.Equal("Enabled", (await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = arn })).KeyMetadata.KeyState.Value);
        Assert.Throws<ArgumentException>(() => _lab.Lab.UseAwsManagedKey("notaservice"));
    }
}
