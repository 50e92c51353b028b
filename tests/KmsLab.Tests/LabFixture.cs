using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests;

/// <summary>A fresh simulated world per test, on a frozen clock that only moves when a test says so.</summary>
public sealed class TestLab
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 9, 0, 0, TimeSpan.Zero);

    /// <param name="wallClock">The clock request signatures are checked against (default: the system clock, which the SDK signs with).</param>
    public TestLab(TimeProvider? wallClock = null)
    {
        Lab = Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(Start), WallClock = wallClock });
        Kms = Lab.CreateKmsClient();
    }

    public Lab Lab { get; }

    public IAmazonKeyManagementService Kms { get; }

    /// <summary>A key with the console's key policy: myKeyManager administers it, myKeyUser uses it (and may create grants for AWS services). Returns its ARN.</summary>
    public async Task<string> CreateConsolePolicyKeyAsync() =>
        (await Kms.CreateKeyAsync(new CreateKeyRequest { Policy = KmsLab.KeyTools.KeyPolicies.Console(Lab.AccountId, [Lab.PrincipalArn(Lab.KeyManagerName)], [Lab.PrincipalArn(Lab.KeyUserName)]) })).KeyMetadata.Arn;

    public async Task<KeyMetadata> CreateKeyAsync(string? description = null)
    {
        var response = await Kms.CreateKeyAsync(new CreateKeyRequest { Description = description ?? "test key" });
        return response.KeyMetadata;
    }
}
