using Amazon.KeyManagementService.Model;
using KmsLab.Services;

namespace KmsLab.Tests.Lessons;

/// <summary>The simulated Secrets Manager: a data key per secret value, the caller's own KMS permissions through the service, the secret's ARN and version as context.</summary>
public sealed class SecretsManagerTests
{
    private readonly TestLab _t = new();

    private Task<string> UsersKeyAsync() => _t.CreateConsolePolicyKeyAsync();

    [Fact]
    public async Task Each_value_gets_a_data_key_bound_to_the_secret_and_its_version_and_reading_decrypts_it_as_the_caller()
    {
        var key = await UsersKeyAsync();
        var secrets = _t.Lab.CreateSecretsManager();
        var arn = secrets.CreateSecret("prod/payroll-db", "s3cr3t-1", key, Lab.KeyUserName);
        Assert.Matches(@"^arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/payroll-db-[0-9a-f]{6}$", arn);
        var second = secrets.PutSecretValue("prod/payroll-db", "s3cr3t-2", Lab.KeyUserName);
        Assert.Equal("s3cr3t-2", secrets.GetSecretValue("prod/payroll-db", principal: Lab.KeyUserName));
        var first = secrets.DescribeSecret("prod/payroll-db").Versions[1];
        Assert.Equal(["AWSPREVIOUS"], first.Stages);
        Assert.Equal("s3cr3t-1", secrets.GetSecretValue(arn, first.VersionId, Lab.KeyUserName));
        Assert.Equal(key, secrets.DescribeSecret("prod/payroll-db").KmsKeyId);
        Assert.Equal(4, secrets.KmsRequests);

        var events = _t.Lab.AuditTrail.Query(principal: Lab.KeyUserName);
        Assert.Equal(["GenerateDataKey", "GenerateDataKey", "Decrypt", "Decrypt"], events.Select(e => e.EventName));
        Assert.All(events, e => Assert.Equal("secretsmanager.amazonaws.com", e.UserIdentity.InvokedBy));
        var contexts = events.Select(e => e.RequestParameters!["encryptionContext"]!).ToList();
        Assert.All(contexts, c => Assert.Equal(arn, c["SecretARN"]!.GetValue<string>()));
        Assert.Equal(second, contexts[1]["SecretVersionId"]!.GetValue<string>());
        Assert.Equal(first.VersionId, contexts[3]["SecretVersionId"]!.GetValue<string>());
        Assert.Equal("AES_256", events[0].RequestParameters!["keySpec"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_key_it_uses_the_aws_managed_key_and_does_not_name_it()
    {
        var secrets = _t.Lab.CreateSecretsManager();
        secrets.CreateSecret("app/token", "t0ken", principal: Lab.KeyUserName);
        Assert.Equal("t0ken", secrets.GetSecretValue("app/token", principal: Lab.KeyUserName));
        Assert.Null(secrets.DescribeSecret("app/token").KmsKeyId);
        var managed = (await _t.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/secretsmanager" })).KeyMetadata;
        Assert.Equal(Amazon.KeyManagementService.KeyManagerType.AWS, managed.KeyManager);
        Assert.All(_t.Lab.AuditTrail.Query(principal: Lab.KeyUserName), e => Assert.Equal(managed.Arn, Assert.Single(e.ResourceArns)));
    }

    [Fact]
    public async Task Whoever_the_key_policy_refuses_cannot_read_the_secret_and_a_disabled_key_is_a_decryption_failure()
    {
        var key = await UsersKeyAsync();
        var secrets = _t.Lab.CreateSecretsManager();
        secrets.CreateSecret("prod/payroll-db", "s3cr3t", key, Lab.KeyUserName);
        var denied = Assert.Throws<SecretsManagerException>(() => secrets.GetSecretValue("prod/payroll-db", principal: Lab.KeyManagerName));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        Assert.Equal("AccessDeniedException", denied.KmsErrorCode);
        await _t.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        var disabled = Assert.Throws<SecretsManagerException>(() => secrets.GetSecretValue("prod/payroll-db", principal: Lab.KeyUserName));
        Assert.Equal("DecryptionFailure", disabled.ErrorCode);
        Assert.Equal("DisabledException", disabled.KmsErrorCode);
        Assert.Equal("EncryptionFailure", Assert.Throws<SecretsManagerException>(() => secrets.PutSecretValue("prod/payroll-db", "new", Lab.KeyUserName)).ErrorCode);
        Assert.Equal("ResourceNotFoundException", Assert.Throws<SecretsManagerException>(() => secrets.GetSecretValue("prod/nothing")).ErrorCode);
        Assert.Equal("ResourceExistsException", Assert.Throws<SecretsManagerException>(() => secrets.CreateSecret("prod/payroll-db", "x")).ErrorCode);
        Assert.Equal("InvalidParameterException", Assert.Throws<SecretsManagerException>(() => secrets.CreateSecret("bad name!", "x")).ErrorCode);
    }
}
