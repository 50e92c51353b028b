using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Serve;

public class AwsManagedKeySnapshotTests
{
    [Fact]
    public async Task An_AWS_managed_key_stays_AWS_managed_after_a_restore()
    {
        var before = Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
        var managed = (await before.CreateKmsClient().DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/s3" })).KeyMetadata;
        Assert.Equal(KeyManagerType.AWS, managed.KeyManager);

        var after = Lab.Restore(before.Snapshot(), new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
        var restored = (await after.CreateKmsClient().DescribeKeyAsync(new DescribeKeyRequest { KeyId = managed.KeyId })).KeyMetadata;
        Assert.Equal(KeyManagerType.AWS, restored.KeyManager);
        Assert.Equal(managed.Arn, restored.Arn);
    }
}
