using Amazon.KeyManagementService.Model;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of <c>exam-bank/operating-keys-safely.json</c>, made to happen on the simulator.</summary>
internal static class OperatingKeysSafelyDemonstrations
{
    [Proves("ops.abac-tags")]
    internal static async Task<string> OneTagConditionCoversEveryTaggedKey(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        async Task<string> Key(string team) => (await kms.CreateKeyAsync(new CreateKeyRequest { Tags = [new Tag { TagKey = "team", TagValue = team }] })).KeyMetadata.KeyId;
        var payments = await Key("payments");
        var marketing = await Key("marketing");
        lab.CreateUser("payments-dev");
        lab.PutIdentityPolicy("payments-dev", "team-keys", """
            { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
              "Condition": { "StringEquals": { "aws:ResourceTag/team": "payments" } } }] }
            """);
        var dev = lab.CreateKmsClient("payments-dev");
        EncryptRequest Under(string key) => new() { KeyId = key, Plaintext = Demonstrate.Bytes("x") };
        await dev.EncryptAsync(Under(payments));
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => dev.EncryptAsync(Under(marketing)));
        // A key tagged tomorrow is covered without editing any policy.
        var later = await Key("payments");
        await dev.EncryptAsync(Under(later));
        return "IAM policy with aws:ResourceTag/team = payments: Encrypt on the payments key works, on the marketing key AccessDeniedException, and a new payments key works at once";
    }

    [Proves("15.3")]
    internal static async Task<string> ACacheCutsTheRequestsThatThrottle(Lab lab)
    {
        _ = lab; // a lab of its own, with quotas a loop reaches and a clock that stands still
        using var busy = Lab.Simulator(new LabOptions { RequestQuotas = RequestQuotas.Standard.Scaled(0.01), TimeSource = new StillClock(DateTimeOffset.UnixEpoch.AddYears(56)) });
        var kms = busy.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        int quota = RequestQuotas.Standard.Scaled(0.01).SymmetricCryptographic, throttled = 0;
        for (int i = 0; i < quota * 2; i++)
        {
            try { await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = Amazon.KeyManagementService.DataKeySpec.AES_256 }); }
            catch (Amazon.KeyManagementService.AmazonKeyManagementServiceException e) when (e.ErrorCode == "ThrottlingException") { throttled++; }
        }
        Demonstrate.That(throttled == quota, $"{quota * 2} GenerateDataKey calls in one second: {quota} throttled (quota {quota}/s)");
        busy.Clock.Advance(TimeSpan.FromSeconds(1));
        var cache = new Envelope.DataKeyCache(busy.Clock, new Envelope.DataKeyCacheOptions { MaxAge = TimeSpan.FromMinutes(5) });
        var envelope = new Envelope.EnvelopeClient(kms, new Envelope.EnvelopeClientOptions { Cache = cache });
        for (int i = 0; i < quota * 2; i++) await envelope.EncryptAsync(Demonstrate.Bytes($"message {i}").ToArray(), new Envelope.EnvelopeEncryptOptions { KeyIds = [key] });
        Demonstrate.That(cache.KmsCallsMade == 1, $"with a data key cache, {quota * 2} messages made {cache.KmsCallsMade} KMS call(s)");
        return $"{quota * 2} GenerateDataKey calls in one second: {throttled} ThrottlingException; the same messages through a data key cache: {cache.KmsCallsMade} KMS call";
    }

    private sealed class StillClock(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }
}
