using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Identity;

public class GrantTests
{
    private readonly TestLab _lab = new();
    private string UserArn(string name) => $"arn:aws:iam::{_lab.Lab.AccountId}:user/{name}";
    private IAmazonKeyManagementService User => _lab.Lab.CreateKmsClient("myKeyUser");

    private async Task<string> LockedKeyAsync() => (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;

    [Fact]
    public async Task A_grant_lets_its_grantee_use_the_key_for_the_granted_operations_only()
    {
        var key = await LockedKeyAsync();
        await KmsAssert.Code("AccessDeniedException", () => User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x") }));

        var grant = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt", "Decrypt"] });
        Assert.Matches("^[0-9a-f]{64}$", grant.GrantId);
        Assert.False(string.IsNullOrEmpty(grant.GrantToken));

        var blob = (await User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("granted"), GrantTokens = [grant.GrantToken] })).CiphertextBlob;
        Assert.Equal("granted", Bytes.Text((await User.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext));
        await KmsAssert.Code("AccessDeniedException", () => User.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 }));
        await KmsAssert.Code("AccessDeniedException", () => _lab.Lab.CreateKmsClient("myKeyManager").EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x") }));
    }

    [Fact]
    public async Task EncryptionContextEquals_and_Subset_constraints()
    {
        var key = await LockedKeyAsync();
        await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt"],
            Constraints = new GrantConstraints { EncryptionContextEquals = new() { ["app"] = "payroll" } },
        });
        await User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["app"] = "payroll" } });
        await KmsAssert.Code("AccessDeniedException", () => User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["app"] = "payroll", ["extra"] = "1" } }));
        await KmsAssert.Code("AccessDeniedException", () => User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x") }));

        await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = UserArn("myKeyManager"), Operations = ["Encrypt"],
            Constraints = new GrantConstraints { EncryptionContextSubset = new() { ["team"] = "red" } },
        });
        var manager = _lab.Lab.CreateKmsClient("myKeyManager");
        await manager.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["team"] = "red", ["extra"] = "1" } });
        await KmsAssert.Code("AccessDeniedException", () => manager.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["team"] = "blue" } }));
    }

    [Fact]
    public async Task A_constraints_keys_match_in_any_case_its_values_exactly_and_it_does_not_bind_DescribeKey()
    {
        // API Reference, GrantConstraints: "in a grant constraint, the key in each key-value pair is not case
        // sensitive, but the value is case sensitive", and constraints are "not applied to ... DescribeKey".
        var key = await LockedKeyAsync();
        var grant = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt", "Decrypt", "DescribeKey"],
            Constraints = new GrantConstraints { EncryptionContextSubset = new() { ["Project"] = "apollo" } },
        });
        Assert.Equal(key, (await User.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key, GrantTokens = [grant.GrantToken] })).KeyMetadata.KeyId);
        var blob = (await User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["project"] = "apollo" } })).CiphertextBlob;
        await User.DecryptAsync(new DecryptRequest { CiphertextBlob = blob, EncryptionContext = new() { ["project"] = "apollo" } });
        await KmsAssert.Code("AccessDeniedException", () => User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["Project"] = "Apollo" } }));

        var equals = await LockedKeyAsync();
        await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = equals, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt"],
            Constraints = new GrantConstraints { EncryptionContextEquals = new() { ["APP"] = "payroll" } },
        });
        await User.EncryptAsync(new EncryptRequest { KeyId = equals, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["app"] = "payroll" } });
        await KmsAssert.Code("AccessDeniedException", () => User.EncryptAsync(new EncryptRequest { KeyId = equals, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["app"] = "Payroll" } }));
        await KmsAssert.Code("AccessDeniedException", () => User.EncryptAsync(new EncryptRequest { KeyId = equals, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["app"] = "payroll", ["App"] = "payroll" } }));
    }

    [Fact]
    public async Task CreateGrant_from_a_grant_creates_only_grants_within_it()
    {
        // Developer Guide, Granting CreateGrant permission: a parent grant's grantee may give some or all of its
        // operations, with constraints at least as strict (add Subset pairs, or turn Subset into Equals).
        var key = await LockedKeyAsync();
        var parent = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["GenerateDataKey", "Decrypt", "CreateGrant"],
            Constraints = new GrantConstraints { EncryptionContextSubset = new() { ["Department"] = "IT" } },
        });
        Task<CreateGrantResponse> Child(List<string> operations, GrantConstraints? constraints) => User.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = UserArn("myKeyManager"), Operations = operations, Constraints = constraints, GrantTokens = [parent.GrantToken],
        });
        await Child(["CreateGrant", "Decrypt"], new GrantConstraints { EncryptionContextSubset = new() { ["Department"] = "IT", ["Project"] = "x" } });
        await Child(["Decrypt"], new GrantConstraints { EncryptionContextEquals = new() { ["department"] = "IT" } });
        await KmsAssert.Code("AccessDeniedException", () => Child(["Decrypt", "Encrypt"], new GrantConstraints { EncryptionContextSubset = new() { ["Department"] = "IT" } }));
        await KmsAssert.Code("AccessDeniedException", () => Child(["Decrypt"], null));
        await KmsAssert.Code("AccessDeniedException", () => Child(["Decrypt"], new GrantConstraints { EncryptionContextSubset = new() { ["Project"] = "x" } }));
        await KmsAssert.Code("AccessDeniedException", () => Child(["Decrypt"], new GrantConstraints { EncryptionContextSubset = new() { ["Department"] = "Sales" } }));

        var equalsKey = await LockedKeyAsync();
        await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = equalsKey, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Decrypt", "CreateGrant"],
            Constraints = new GrantConstraints { EncryptionContextEquals = new() { ["app"] = "payroll" } },
        });
        Task<CreateGrantResponse> EqualsChild(GrantConstraints? constraints) => User.CreateGrantAsync(new CreateGrantRequest { KeyId = equalsKey, GranteePrincipal = UserArn("myKeyManager"), Operations = ["Decrypt"], Constraints = constraints });
        await EqualsChild(new GrantConstraints { EncryptionContextEquals = new() { ["app"] = "payroll" } });
        await KmsAssert.Code("AccessDeniedException", () => EqualsChild(new GrantConstraints { EncryptionContextSubset = new() { ["app"] = "payroll" } }));
        await KmsAssert.Code("AccessDeniedException", () => EqualsChild(new GrantConstraints { EncryptionContextEquals = new() { ["app"] = "payroll", ["env"] = "prod" } }));

        var openKey = await LockedKeyAsync();
        await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = openKey, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Decrypt", "CreateGrant"] });
        await User.CreateGrantAsync(new CreateGrantRequest { KeyId = openKey, GranteePrincipal = UserArn("myKeyManager"), Operations = ["Decrypt"] });
        await KmsAssert.Code("AccessDeniedException", () => User.CreateGrantAsync(new CreateGrantRequest { KeyId = openKey, GranteePrincipal = UserArn("myKeyManager"), Operations = ["Encrypt"] }));

        // CreateGrant from the key policy has no such limits: the account's administrator gives Encrypt freely.
        await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyManager"), Operations = ["Encrypt"] });
    }

    [Fact]
    public async Task ListGrants_shows_grants_and_a_Name_makes_CreateGrant_idempotent()
    {
        var key = await LockedKeyAsync();
        var first = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Decrypt"], Name = "batch-job", RetiringPrincipal = UserArn("myKeyManager") });
        var again = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Decrypt"], Name = "batch-job", RetiringPrincipal = UserArn("myKeyManager") });
        Assert.Equal(first.GrantId, again.GrantId);
        Assert.NotEqual(first.GrantToken, again.GrantToken);
        var different = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt"], Name = "batch-job" });
        Assert.NotEqual(first.GrantId, different.GrantId);

        var listed = (await _lab.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key })).Grants;
        Assert.Equal(2, listed.Count);
        var entry = listed.Single(g => g.GrantId == first.GrantId);
        Assert.Equal("batch-job", entry.Name);
        Assert.Equal(UserArn("myKeyUser"), entry.GranteePrincipal);
        Assert.Equal(UserArn("myKeyManager"), entry.RetiringPrincipal);
        Assert.Equal($"arn:aws:iam::{_lab.Lab.AccountId}:root", entry.IssuingAccount);
        Assert.Equal(["Decrypt"], entry.Operations);
        Assert.EndsWith(key, entry.KeyId);
        Assert.Single((await _lab.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key, GrantId = first.GrantId })).Grants);

        var retirable = (await _lab.Kms.ListRetirableGrantsAsync(new ListRetirableGrantsRequest { RetiringPrincipal = UserArn("myKeyManager") })).Grants;
        Assert.Equal(first.GrantId, Assert.Single(retirable).GrantId);
    }

    [Fact]
    public async Task The_retiring_principal_retires_by_token_and_the_key_owner_revokes_by_id()
    {
        var key = await LockedKeyAsync();
        var grant = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt"], RetiringPrincipal = UserArn("myKeyManager") });
        await KmsAssert.Code("AccessDeniedException", () => User.RetireGrantAsync(new RetireGrantRequest { GrantToken = grant.GrantToken }));
        await _lab.Lab.CreateKmsClient("myKeyManager").RetireGrantAsync(new RetireGrantRequest { GrantToken = grant.GrantToken });
        await KmsAssert.Code("AccessDeniedException", () => User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x") }));
        await KmsAssert.Throws<NotFoundException>(() => _lab.Lab.CreateKmsClient("myKeyManager").RetireGrantAsync(new RetireGrantRequest { GrantToken = grant.GrantToken }));

        var second = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt", "RetireGrant"] });
        await User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x") });
        await _lab.Kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = key, GrantId = second.GrantId });
        await KmsAssert.Code("AccessDeniedException", () => User.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x") }));
        await KmsAssert.Throws<NotFoundException>(() => _lab.Kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = key, GrantId = second.GrantId }));

        var third = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt", "RetireGrant"] });
        await User.RetireGrantAsync(new RetireGrantRequest { KeyId = (await _lab.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.Arn, GrantId = third.GrantId });
        Assert.Empty((await _lab.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key })).Grants);
    }

    [Fact]
    public async Task CreateGrant_validates_its_input()
    {
        var key = await LockedKeyAsync();
        await KmsAssert.Validation(() => _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Sign"] }), "Grant operation Sign is not valid");
        await KmsAssert.Validation(() => _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Dance"] }), "Member must satisfy enum value set");
        await KmsAssert.Validation(() => _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = "bob", Operations = ["Encrypt"] }), "not a valid principal");
        await KmsAssert.Validation(() => _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, Operations = ["Encrypt"] }), "Value null at 'granteePrincipal'");
        await KmsAssert.Throws<InvalidGrantTokenException>(() => _lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x"), GrantTokens = ["not-a-token"] }));
        await _lab.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        await KmsAssert.Throws<DisabledException>(() => _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt"] }));
        await KmsAssert.Throws<InvalidGrantTokenException>(() => _lab.Kms.RetireGrantAsync(new RetireGrantRequest { GrantToken = "garbage" }));
    }
}
