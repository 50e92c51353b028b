using System.Globalization;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Services;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of the topic <c>quotas-and-pricing</c>: the bill from the facts table, throttling and what cuts requests.</summary>
internal static class QuotasAndPricingDemonstrations
{
    [Proves("09.4")]
    internal static Task<string> TheBillFromTheFactsTable(Lab lab)
    {
        _ = lab;
        // Ten customer managed keys, each rotated once, and one million requests beyond the free tier.
        const int keys = 10;
        const int requests = KmsFacts.FreeRequestsPerMonth + 1_000_000;
        Demonstrate.That(KmsFacts.ChargedRotationsPerKey >= 1, "a key's first rotation is charged");
        var keysBill = keys * (KmsFacts.KeyPerMonthUsd + KmsFacts.RotationPerMonthUsd);
        var requestsBill = (requests - KmsFacts.FreeRequestsPerMonth) / 10_000m * KmsFacts.SymmetricRequestsPer10kUsd;
        var bill = Usd(keysBill + requestsBill);
        var question = ExamBank.Default.Question("09.4");
        Demonstrate.That(question.Stem.Contains(requests.ToString("N0", CultureInfo.InvariantCulture), StringComparison.Ordinal), $"the stem states the {requests:N0} requests the bill is computed for");
        var correct = question.Choices.Single(c => c.Correct).Text;
        Demonstrate.That(correct == bill, $"the bank's correct choice states the bill the facts table gives, {bill} (it says {correct})");
        var others = question.Choices.Where(c => !c.Correct).Select(c => c.Text).ToList();
        Demonstrate.That(others.Contains(Usd(keys * KmsFacts.KeyPerMonthUsd + requestsBill)) && others.Contains(Usd(requestsBill))
            && others.Contains(Usd(keysBill + (requests - KmsFacts.FreeRequestsPerMonth) / 10_000m * KmsFacts.AsymmetricRequestsPer10kUsd)),
            "the near misses are the bill without rotations, the requests alone and the requests at the asymmetric price");
        return Task.FromResult($"{keys} keys × ({Fact(nameof(KmsFacts.KeyPerMonthUsd))} + {Fact(nameof(KmsFacts.RotationPerMonthUsd))}) + 1,000,000 requests × {Fact(nameof(KmsFacts.SymmetricRequestsPer10kUsd))}/10,000 = {bill}, the bank's answer");
    }

    [Proves("quotas.throttling-remedies")]
    internal static async Task<string> TheQuotaIsSharedByEveryKey(Lab lab)
    {
        _ = lab;
        using var limited = LabWithSymmetricQuota(3);
        var kms = limited.CreateKmsClient();
        var first = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var second = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        for (int i = 0; i < 3; i++) await EncryptAsync(kms, first);
        await ThrottledAsync(() => EncryptAsync(kms, first), "a fourth Encrypt in the same second");
        await ThrottledAsync(() => EncryptAsync(kms, second), "another key of the same account and Region");
        limited.Clock.Advance(TimeSpan.FromSeconds(1));
        // Envelope encryption: one request, then as many messages as the data key's limits allow, locally.
        var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = second, KeySpec = DataKeySpec.AES_256 });
        using var aes = new AesGcm(dataKey.Plaintext.ToArray(), 16);
        for (int i = 0; i < 100; i++) aes.Encrypt(RandomNumberGenerator.GetBytes(12), "message"u8, new byte[7], new byte[16]);
        await EncryptAsync(kms, first);
        return "quota 3/s: the 4th Encrypt → ThrottlingException, on another key too (shared quota); a second later, one GenerateDataKey served 100 messages locally";
    }

    [Proves("quotas.service-calls-count")]
    internal static async Task<string> S3CallsCountTowardTheQuota(Lab lab)
    {
        _ = lab;
        using var limited = LabWithSymmetricQuota(5);
        var plain = limited.CreateS3Bucket("kmslab-burst");
        var throttled = 0;
        for (int i = 0; i < 10; i++)
        {
            try { await plain.PutObjectAsync($"o-{i}", "x"u8.ToArray(), principal: Lab.KeyUserName); }
            catch (S3Exception e) when (e.KmsErrorCode == "ThrottlingException") { throttled++; }
        }
        Demonstrate.That(throttled == 5, $"without a bucket key, S3's calls count toward the account's quota: 5 of 10 uploads in one second throttled (got {throttled})");
        limited.Clock.Advance(TimeSpan.FromSeconds(1));
        var keyed = limited.CreateS3Bucket("kmslab-burst-keyed", new S3BucketEncryption(BucketKeyEnabled: true));
        for (int i = 0; i < 10; i++) await keyed.PutObjectAsync($"o-{i}", "x"u8.ToArray(), principal: Lab.KeyUserName);
        Demonstrate.That(keyed.KmsRequests == 1, $"with a bucket key the 10 uploads made one KMS request (got {keyed.KmsRequests})");
        return $"quota 5/s: 10 uploads without a bucket key → {throttled} throttled by KMS; with a bucket key → all stored, {keyed.KmsRequests} KMS request";
    }

    [Proves("quotas.rsa-signing-quota")]
    internal static async Task<string> RsaOperationsHaveTheirOwnQuota(Lab lab)
    {
        _ = lab;
        using var limited = Lab.Simulator(new LabOptions
        {
            RequestQuotas = RequestQuotas.Standard with { Asymmetric = 2 },
            TimeSource = new StoppedClock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)),
        });
        var kms = limited.CreateKmsClient();
        var signer = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_3072, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
        var other = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_3072, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
        var symmetric = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        Task<SignResponse> Sign(string key) => kms.SignAsync(new SignRequest { KeyId = key, Message = new MemoryStream("build 77"u8.ToArray()), SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PSS_SHA_256 });
        await Sign(signer);
        await Sign(signer);
        await ThrottledAsync(() => Sign(signer), "a third Sign over an RSA quota of 2 per second");
        await ThrottledAsync(() => Sign(other), "a Sign with another RSA key (the RSA quota is shared)");
        for (int i = 0; i < 10; i++) await EncryptAsync(kms, symmetric);
        return "RSA quota 2/s: the 3rd Sign → ThrottlingException, with another RSA key too, while 10 symmetric Encrypts in the same second pass";
    }

    [Proves("quotas.bucket-key-requests")]
    internal static async Task<string> ABucketKeySparesAlmostEveryRequest(Lab lab)
    {
        var plain = lab.CreateS3Bucket("kmslab-logs-plain");
        var keyed = lab.CreateS3Bucket("kmslab-logs-keyed", new S3BucketEncryption(BucketKeyEnabled: true));
        foreach (var bucket in new[] { plain, keyed })
        {
            for (int i = 0; i < 200; i++) await bucket.PutObjectAsync($"log-{i}.txt", "line"u8.ToArray(), principal: Lab.KeyUserName);
            for (int i = 0; i < 200; i++) await bucket.GetObjectAsync($"log-{i}.txt", principal: Lab.KeyUserName);
        }
        Demonstrate.That(plain.KmsRequests == 400, $"without a bucket key: a request per PUT and per GET, 400 (got {plain.KmsRequests})");
        Demonstrate.That(keyed.KmsRequests == 2, $"with a bucket key: one GenerateDataKey and one Decrypt (got {keyed.KmsRequests})");
        return $"200 PUTs and 200 GETs: {plain.KmsRequests} KMS requests without a bucket key, {keyed.KmsRequests} with one";
    }

    /// <summary>A lab whose clock stands still, with a tiny symmetric quota, so a demonstration hits the wall at a known call.</summary>
    private static Lab LabWithSymmetricQuota(int perSecond) => Lab.Simulator(new LabOptions
    {
        RequestQuotas = RequestQuotas.Standard with { SymmetricCryptographic = perSecond },
        TimeSource = new StoppedClock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)),
    });

    private static async Task ThrottledAsync(Func<Task> call, string what)
    {
        var e = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(call);
        Demonstrate.That(e.ErrorCode == "ThrottlingException", $"{what} is throttled (ThrottlingException; got {e.ErrorCode})");
    }

    private static Task<EncryptResponse> EncryptAsync(IAmazonKeyManagementService kms, string key) =>
        kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream("x"u8.ToArray()) });

    private static string Usd(decimal amount) => "$" + amount.ToString("#,0.00", CultureInfo.InvariantCulture);

    private static string Fact(string name) => KmsFacts.Get(name).Display;

    /// <summary>Time that moves only when the lab's clock is advanced.</summary>
    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
