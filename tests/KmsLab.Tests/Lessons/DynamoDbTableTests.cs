using Amazon.KeyManagementService.Model;
using KmsLab.Services;

namespace KmsLab.Tests.Lessons;

/// <summary>The simulated DynamoDB table with each kind of key: no KMS call for an AWS owned key; DescribeKey, a grant and a table key otherwise, a cached table key, and the grant retired with the table.</summary>
public sealed class DynamoDbTableTests
{
    private readonly TestLab _t = new();

    private Task<string> UsersKeyAsync() => _t.CreateConsolePolicyKeyAsync();

    [Fact]
    public async Task An_aws_owned_key_makes_no_kms_call_in_your_account()
    {
        var before = _t.Lab.AuditTrail.Query().Count;
        var table = await _t.Lab.CreateDynamoDbTableAsync("orders", principal: Lab.KeyUserName);
        table.PutItem("o-1", "3 widgets", Lab.KeyUserName);
        Assert.Equal("3 widgets", table.GetItem("o-1", Lab.KeyManagerName));
        Assert.Null(table.KmsKeyArn);
        Assert.Null(table.GrantId);
        Assert.Equal(0, table.KmsRequests);
        Assert.Equal(before, _t.Lab.AuditTrail.Query().Count);
    }

    [Fact]
    public async Task A_customer_managed_key_gets_describe_key_a_grant_for_dynamodb_and_a_table_key_generated_by_dynamodb_itself()
    {
        var key = await UsersKeyAsync();
        var table = await _t.Lab.CreateDynamoDbTableAsync("Books", new DynamoDbTableEncryption(DynamoDbTableKey.CustomerManaged, key), Lab.KeyUserName);
        Assert.Equal(key, table.KmsKeyArn);
        var events = _t.Lab.AuditTrail.Query().Where(e => e.EventName is "DescribeKey" or "CreateGrant" or "GenerateDataKey").ToList();
        Assert.Equal(["DescribeKey", "CreateGrant", "GenerateDataKey"], events.Select(e => e.EventName));
        Assert.All(events.Take(2), e => Assert.Equal("dynamodb.amazonaws.com", e.UserIdentity.InvokedBy));
        Assert.All(events.Take(2), e => Assert.EndsWith("user/myKeyUser", e.UserIdentity.Arn, StringComparison.Ordinal));
        Assert.Equal("AWSService", events[2].UserIdentity.Type);
        Assert.Equal("dynamodb.amazonaws.com", events[2].UserIdentity.InvokedBy);
        Assert.Equal("{\"aws:dynamodb:tableName\":\"Books\",\"aws:dynamodb:subscriberId\":\"111122223333\"}", events[2].RequestParameters!["encryptionContext"]!.ToJsonString());

        var grant = Assert.Single((await _t.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key })).Grants);
        Assert.Equal(table.GrantId, grant.GrantId);
        Assert.Equal("dynamodb.us-east-1.amazonaws.com", grant.GranteePrincipal);
        Assert.Equal("dynamodb.us-east-1.amazonaws.com", grant.RetiringPrincipal);
        Assert.Equal(["DescribeKey", "GenerateDataKey", "Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "RetireGrant"], grant.Operations);
        Assert.Equal(table.EncryptionContext, grant.Constraints.EncryptionContextSubset);

        await table.DeleteAsync();
        Assert.Empty((await _t.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key })).Grants);
        Assert.Equal(4, table.KmsRequests);
    }

    [Fact]
    public async Task The_aws_managed_key_is_created_on_first_use_and_used_through_dynamodb()
    {
        var table = await _t.Lab.CreateDynamoDbTableAsync("Books", new DynamoDbTableEncryption(DynamoDbTableKey.AwsManaged), Lab.KeyUserName);
        var managed = (await _t.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/dynamodb" })).KeyMetadata;
        Assert.Equal(Amazon.KeyManagementService.KeyManagerType.AWS, managed.KeyManager);
        Assert.Equal(managed.Arn, table.KmsKeyArn);
        table.PutItem("b-1", "Dune", Lab.KeyUserName);
        Assert.Equal("Dune", table.GetItem("b-1", Lab.KeyUserName));
    }

    [Fact]
    public async Task A_caller_decrypts_the_table_key_once_and_reuses_it_until_five_minutes_of_inactivity()
    {
        var key = await UsersKeyAsync();
        var table = await _t.Lab.CreateDynamoDbTableAsync("orders", new DynamoDbTableEncryption(DynamoDbTableKey.CustomerManaged, key), Lab.KeyUserName);
        int Decrypts() => _t.Lab.AuditTrail.Query(principal: Lab.KeyUserName).Count(e => e.EventName == "Decrypt");
        var clock = _t.Lab.Clock;
        table.PutItem("o-1", "3 widgets", Lab.KeyUserName);
        Assert.Equal(1, Decrypts());
        for (int i = 0; i < 10; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(KmsFacts.DynamoDbTableKeyCacheMinutes - 1));
            Assert.Equal("3 widgets", table.GetItem("o-1", Lab.KeyUserName));
        }
        Assert.Equal(1, Decrypts());
        // The cached key outlives a disabled KMS key; after five idle minutes the table cannot be read.
        await _t.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        Assert.Equal("3 widgets", table.GetItem("o-1", Lab.KeyUserName));
        clock.Advance(TimeSpan.FromMinutes(KmsFacts.DynamoDbTableKeyCacheMinutes));
        var refused = Assert.Throws<DynamoDbException>(() => table.GetItem("o-1", Lab.KeyUserName));
        Assert.Equal("DisabledException", refused.KmsErrorCode);
        Assert.Equal(2, Decrypts());
        // Another caller has its own cache, and its own KMS permissions: the key's administrator may not decrypt.
        await _t.Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        Assert.Equal("AccessDeniedException", Assert.Throws<DynamoDbException>(() => table.GetItem("o-1", Lab.KeyManagerName)).ErrorCode);
    }

    [Fact]
    public async Task A_key_the_creator_may_not_use_fails_the_table_creation_and_a_key_administrator_creates_a_table_it_cannot_read()
    {
        var rootOnly = (await _t.CreateKeyAsync()).Arn;   // the default key policy: IAM decides, and myKeyUser's IAM allows no KMS use
        var denied = await Assert.ThrowsAsync<DynamoDbException>(() => _t.Lab.CreateDynamoDbTableAsync("orders", new DynamoDbTableEncryption(DynamoDbTableKey.CustomerManaged, rootOnly), Lab.KeyUserName));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        // The console policy's administrator statement allows Describe* and Create* (CreateGrant): DynamoDB gets its grant and generates the table key itself.
        var key = await UsersKeyAsync();
        var table = await _t.Lab.CreateDynamoDbTableAsync("ledger", new DynamoDbTableEncryption(DynamoDbTableKey.CustomerManaged, key), Lab.KeyManagerName);
        Assert.Equal("AccessDeniedException", Assert.Throws<DynamoDbException>(() => table.PutItem("l-1", "x", Lab.KeyManagerName)).ErrorCode);
        table.PutItem("l-1", "x", Lab.KeyUserName);
        Assert.Equal("ValidationException", (await Assert.ThrowsAsync<DynamoDbException>(() => _t.Lab.CreateDynamoDbTableAsync("orders", new DynamoDbTableEncryption(DynamoDbTableKey.CustomerManaged)))).ErrorCode);
        Assert.Equal("KMS.NotFoundException", (await Assert.ThrowsAsync<DynamoDbException>(() => _t.Lab.CreateDynamoDbTableAsync("orders", new DynamoDbTableEncryption(DynamoDbTableKey.CustomerManaged, "alias/none")))).ErrorCode);
    }
}
