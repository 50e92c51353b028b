using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Protocol;

/// <summary>
/// The lookups the simulator remembers for speed — the last allowed call per key
/// (<c>KmsKey.LastAllowed</c>), the key a KeyId named last (<c>KmsEngine._lastFound</c>) and the
/// account and Region used last (<c>KmsWorld._lastRegion</c>) — each end when what they depend on
/// changes: a policy, a grant, a deletion, an alias, another caller, another world. Every test
/// warms the cache first, then changes one thing and expects the answer KMS would give.
/// </summary>
public class HotPathCacheTests
{
    private static string Policy(params string[] statements) => $$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", statements)}}]}""";

    private static string Root(string account) => $$"""{"Sid":"root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{account}}:root"},"Action":"kms:*","Resource":"*"}""";

    private static string AllowUser(string account, string user, string action) =>
        $$"""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{account}}:user/{{user}}"},"Action":"{{action}}","Resource":"*"}""";

    private static Task<EncryptResponse> EncryptAsync(IAmazonKeyManagementService kms, string keyId) =>
        kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = Bytes.Stream("hot path") });

    private static string Partner(TestLab lab) => $"arn:aws:iam::{lab.Lab.PartnerAccountId}:user/{Lab.PartnerAdministratorName}";

    private static async Task WarmAsync(IAmazonKeyManagementService kms, string keyId)
    {
        for (int i = 0; i < 3; i++) await EncryptAsync(kms, keyId);
    }

    // ---- KmsKey.LastAllowed: an unconditional Allow, remembered per key ----

    [Fact]
    public async Task LastAllowed_ends_when_the_key_policy_is_replaced()
    {
        // The key policy is replaced by a manager whose IAM policy has a condition: its own
        // PutKeyPolicy decision is not remembered, so the user's remembered Encrypt stays the key's
        // last decision across the change, and only the policy check can end it.
        var lab = new TestLab();
        var account = lab.Lab.AccountId;
        var user = lab.Lab.CreateKmsClient(Lab.KeyUserName);
        var manager = lab.Lab.CreateKmsClient(Lab.KeyManagerName);
        lab.Lab.PutIdentityPolicy(Lab.KeyManagerName, "policies", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:PutKeyPolicy","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}
            """);
        var key = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = Policy(Root(account), AllowUser(account, Lab.KeyUserName, "kms:Encrypt")) })).KeyMetadata.KeyId;
        await WarmAsync(user, key);

        await manager.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = Policy(Root(account)) });
        var e = await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));
        Assert.EndsWith("because no identity-based policy allows the kms:Encrypt action", e.Message);

        // Allowed again by a new policy, then an explicit Deny added in yet another one.
        await manager.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = Policy(Root(account), AllowUser(account, Lab.KeyUserName, "kms:Encrypt")) });
        await WarmAsync(user, key);
        var deny = $$"""{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::{{account}}:user/{{Lab.KeyUserName}}"},"Action":"kms:Encrypt","Resource":"*"}""";
        await manager.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = Policy(Root(account), AllowUser(account, Lab.KeyUserName, "kms:Encrypt"), deny) });
        var denied = await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));
        Assert.EndsWith("with an explicit deny in a resource-based policy", denied.Message);

        // The same through the administrator, whose PutKeyPolicy is remembered in the user's place.
        await lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = Policy(Root(account), AllowUser(account, Lab.KeyUserName, "kms:Encrypt")) });
        await WarmAsync(user, key);
        await lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = Policy(Root(account)) });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));
    }

    [Fact]
    public async Task LastAllowed_ends_when_the_callers_IAM_policy_is_replaced_or_deleted()
    {
        // The default key policy delegates to the account: the caller's IAM policy decides.
        var lab = new TestLab();
        var user = lab.Lab.CreateKmsClient(Lab.KeyUserName);
        var key = (await lab.CreateKeyAsync()).KeyId;
        const string allowEncrypt = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}""";
        lab.Lab.PutIdentityPolicy(Lab.KeyUserName, "crypto", allowEncrypt);
        await WarmAsync(user, key);

        // The same policy name, another document: only Decrypt now.
        lab.Lab.PutIdentityPolicy(Lab.KeyUserName, "crypto", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}""");
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));

        lab.Lab.PutIdentityPolicy(Lab.KeyUserName, "crypto", allowEncrypt);
        await WarmAsync(user, key);
        Assert.True(lab.Lab.DeleteIdentityPolicy(Lab.KeyUserName, "crypto"));
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));

        // A second policy with an explicit Deny, added beside the Allow.
        lab.Lab.PutIdentityPolicy(Lab.KeyUserName, "crypto", allowEncrypt);
        await WarmAsync(user, key);
        lab.Lab.PutIdentityPolicy(Lab.KeyUserName, "guard", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}]}""");
        var e = await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));
        Assert.EndsWith("with an explicit deny in an identity-based policy", e.Message);
    }

    [Fact]
    public async Task LastAllowed_never_remembers_an_Allow_a_grant_took_part_in()
    {
        var lab = new TestLab();
        var user = lab.Lab.CreateKmsClient(Lab.KeyUserName);
        var key = (await lab.CreateKeyAsync()).KeyId;
        var grant = await lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = lab.Lab.PrincipalArn(Lab.KeyUserName), Operations = ["Encrypt"] });
        await WarmAsync(user, key);
        await lab.Kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = key, GrantId = grant.GrantId });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));

        // Retired by the grantee instead of revoked: the same.
        var second = await lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = lab.Lab.PrincipalArn(Lab.KeyUserName), RetiringPrincipal = lab.Lab.PrincipalArn(Lab.KeyUserName), Operations = ["Encrypt", "RetireGrant"],
        });
        await WarmAsync(user, key);
        await user.RetireGrantAsync(new RetireGrantRequest { KeyId = key, GrantId = second.GrantId });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));
    }

    [Fact]
    public async Task LastAllowed_answers_only_the_caller_and_action_it_was_decided_for()
    {
        var lab = new TestLab();
        var account = lab.Lab.AccountId;
        var user = lab.Lab.CreateKmsClient(Lab.KeyUserName);
        var manager = lab.Lab.CreateKmsClient(Lab.KeyManagerName);
        var key = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = Policy(Root(account), AllowUser(account, Lab.KeyUserName, "kms:Encrypt")) })).KeyMetadata.KeyId;
        for (int i = 0; i < 3; i++)
        {
            await EncryptAsync(user, key);
            await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(manager, key));
            await KmsAssert.Code("AccessDeniedException", () => user.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 }));
        }

        // Two users without any IAM policy have the same (empty) identity statements: only the
        // caller tells their decisions apart.
        lab.Lab.CreateUser("alice");
        lab.Lab.CreateUser("bob");
        var alice = lab.Lab.CreateKmsClient("alice");
        var bob = lab.Lab.CreateKmsClient("bob");
        var direct = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = Policy(Root(account), AllowUser(account, "alice", "kms:Encrypt")) })).KeyMetadata.KeyId;
        for (int i = 0; i < 3; i++)
        {
            await EncryptAsync(alice, direct);
            await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(bob, direct));
        }
    }

    // ---- KmsEngine._lastFound: the key a key ID or key ARN named last ----

    [Fact]
    public async Task LastFound_never_finds_a_deleted_key_through_the_same_KeyId_string()
    {
        var lab = new TestLab();
        foreach (var byArn in new[] { false, true })
        {
            var metadata = await lab.CreateKeyAsync();
            var keyId = byArn ? metadata.Arn : metadata.KeyId;
            await WarmAsync(lab.Kms, keyId);
            await lab.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = 7 });
            await KmsAssert.Throws<KMSInvalidStateException>(() => EncryptAsync(lab.Kms, keyId));
            lab.Lab.Clock.Advance(TimeSpan.FromDays(7));
            await KmsAssert.Throws<NotFoundException>(() => EncryptAsync(lab.Kms, keyId));
            await KmsAssert.Throws<NotFoundException>(() => lab.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }));
        }
    }

    [Fact]
    public async Task LastFound_does_not_remember_aliases_which_can_be_pointed_elsewhere()
    {
        var lab = new TestLab();
        var first = await lab.CreateKeyAsync("first");
        var second = await lab.CreateKeyAsync("second");
        await lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/app", TargetKeyId = first.KeyId });
        var aliasArn = $"arn:aws:kms:us-east-1:{lab.Lab.AccountId}:alias/app";
        foreach (var name in new[] { "alias/app", aliasArn })
        {
            await lab.Kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = "alias/app", TargetKeyId = first.KeyId });
            await WarmAsync(lab.Kms, name);
            Assert.Equal(first.Arn, (await EncryptAsync(lab.Kms, name)).KeyId);
            await lab.Kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = "alias/app", TargetKeyId = second.KeyId });
            Assert.Equal(second.Arn, (await EncryptAsync(lab.Kms, name)).KeyId);
        }
        await lab.Kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/app" });
        await KmsAssert.Throws<NotFoundException>(() => EncryptAsync(lab.Kms, "alias/app"));
    }

    [Fact]
    public async Task LastFound_answers_only_callers_in_the_account_and_Region_it_was_found_for()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        var partner = lab.Lab.CreateKmsClient(Partner(lab));
        var europe = lab.Lab.CreateKmsClient(RegionEndpoint.EUWest1);
        for (int i = 0; i < 2; i++)
        {
            await WarmAsync(lab.Kms, key.KeyId);
            // A bare key ID names a key of the caller's own account and Region only.
            await KmsAssert.Throws<NotFoundException>(() => EncryptAsync(partner, key.KeyId));
            await KmsAssert.Throws<NotFoundException>(() => EncryptAsync(europe, key.KeyId));
            await WarmAsync(lab.Kms, key.Arn);
            // The ARN finds the key across accounts (its policy then refuses), never across Regions.
            await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(partner, key.Arn));
            await KmsAssert.Throws<NotFoundException>(() => EncryptAsync(europe, key.Arn));
        }
    }

    [Fact]
    public async Task LastFound_and_LastRegion_belong_to_one_world()
    {
        // Two labs in one thread: the same account, Region and principals, the same strings.
        var a = new TestLab();
        var b = new TestLab();
        var key = await a.CreateKeyAsync();
        for (int i = 0; i < 2; i++)
        {
            await WarmAsync(a.Kms, key.KeyId);
            await KmsAssert.Throws<NotFoundException>(() => EncryptAsync(b.Kms, key.KeyId));
            await WarmAsync(a.Kms, key.Arn);
            await KmsAssert.Throws<NotFoundException>(() => EncryptAsync(b.Kms, key.Arn));
            Assert.Single((await a.Kms.ListKeysAsync(new ListKeysRequest())).Keys);
            Assert.Empty((await b.Kms.ListKeysAsync(new ListKeysRequest())).Keys);
        }
        var other = await b.CreateKeyAsync();
        Assert.Equal([key.KeyId], (await a.Kms.ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyId));
        Assert.Equal([other.KeyId], (await b.Kms.ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyId));
    }

    // ---- KmsWorld._lastRegion: the account and Region used last ----

    [Fact]
    public async Task LastRegion_answers_only_its_own_account_and_Region()
    {
        var lab = new TestLab();
        var clients = new[]
        {
            // Turns that change the account only, then the Region only.
            lab.Kms,
            lab.Lab.CreateKmsClient(Partner(lab)),
            lab.Lab.CreateKmsClient(Partner(lab), RegionEndpoint.EUWest1),
            lab.Lab.CreateKmsClient(RegionEndpoint.EUWest1),
        };
        var keys = new List<string>[clients.Length];
        for (int round = 0; round < 2; round++)
        {
            for (int c = 0; c < clients.Length; c++)
            {
                (keys[c] ??= []).Add((await clients[c].CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId);
            }
        }
        // Taking turns, each account and Region sees its own keys only.
        for (int round = 0; round < 2; round++)
        {
            for (int c = 0; c < clients.Length; c++)
            {
                var listed = (await clients[c].ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyId).Order();
                Assert.Equal(keys[c].Order(), listed);
            }
        }
    }

    // ---- SigV4: the remembered scope (SigV4Authorization), signing key (SigV4Verifier) and date (SignatureClock) ----

    [Fact]
    public async Task A_request_every_SigV4_cache_has_seen_is_still_refused_once_its_signature_is_stale()
    {
        // The very same signed request, replayed: its scope, signing key, header fingerprints and
        // parsed X-Amz-Date are all remembered from the first answers; only the wall clock moves.
        var signedAt = new DateTimeOffset(2026, 12, 2, 17, 0, 0, TimeSpan.Zero);
        var wallClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(signedAt);
        var lab = new TestLab(wallClock);
        using var invoker = new HttpMessageInvoker(new KmsLab.Protocol.KmsHttpMessageHandler(lab.Lab.Adapter));
        var body = "{}"u8.ToArray();
        HttpRequestMessage Replay()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/") { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.ListKeys");
            TestSigner.Sign(request, body, lab.Lab.Admin.AccessKeyId, lab.Lab.Admin.SecretAccessKey, at: signedAt);
            return request;
        }
        for (int i = 0; i < 3; i++)
        {
            using var served = await invoker.SendAsync(Replay(), default);
            Assert.True(served.IsSuccessStatusCode, await served.Content.ReadAsStringAsync());
        }
        wallClock.Advance(TimeSpan.FromMinutes(15));
        using (var edge = await invoker.SendAsync(Replay(), default)) Assert.True(edge.IsSuccessStatusCode);
        wallClock.Advance(TimeSpan.FromSeconds(1));
        using var refused = await invoker.SendAsync(Replay(), default);
        var text = await refused.Content.ReadAsStringAsync();
        Assert.Contains("\"InvalidSignatureException\"", text);
        Assert.Contains("Signature expired: 20261202T170000Z is now earlier than 20261202T170001Z (20261202T171501Z - 15 min.)", text);

        // And a fresh request signed at the new wall time is served again, on the same caches.
        using var fresh = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/") { Content = new ByteArrayContent(body) };
        fresh.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        fresh.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.ListKeys");
        TestSigner.Sign(fresh, body, lab.Lab.Admin.AccessKeyId, lab.Lab.Admin.SecretAccessKey, at: wallClock.GetUtcNow());
        using var answer = await invoker.SendAsync(fresh, default);
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
    }
}
