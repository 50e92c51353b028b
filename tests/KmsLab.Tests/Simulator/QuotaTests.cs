using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Simulator;

public class QuotaTests
{
    private static Lab LabWith(RequestQuotas? quotas) =>
        Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start), RequestQuotas = quotas });

    [Fact]
    public async Task Quotas_are_off_by_default()
    {
        var lab = LabWith(null);
        var kms = lab.CreateKmsClient();
        for (int i = 0; i < 8; i++) await kms.CreateKeyAsync(new CreateKeyRequest());
    }

    [Fact]
    public async Task Symmetric_cryptographic_operations_share_one_quota_per_second()
    {
        var lab = LabWith(RequestQuotas.Standard with { SymmetricCryptographic = 10 });
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x") })).CiphertextBlob.ToArray();
        for (int i = 0; i < 4; i++) await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob) });
        for (int i = 0; i < 5; i++) await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });

        var e = await KmsAssert.Code("ThrottlingException", () => kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x") }));
        Assert.Equal("You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.", e.Message);
        await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }); // another quota

        lab.Clock.Advance(TimeSpan.FromSeconds(1));
        await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x") });
        Assert.Single(lab.AuditTrail.Query(errorCode: "ThrottlingException"));
    }

    [Fact]
    public async Task CreateKey_has_a_quota_of_5_per_second()
    {
        var lab = LabWith(RequestQuotas.Standard);
        var kms = lab.CreateKmsClient();
        for (int i = 0; i < 5; i++) await kms.CreateKeyAsync(new CreateKeyRequest());
        await KmsAssert.Code("ThrottlingException", () => kms.CreateKeyAsync(new CreateKeyRequest()));
        // Quotas are per Region.
        await lab.CreateKmsClient(Amazon.RegionEndpoint.EUWest1).CreateKeyAsync(new CreateKeyRequest());
    }

    [Fact]
    public void Scaled_quotas_keep_at_least_one_request_per_second()
    {
        var scaled = RequestQuotas.Standard.Scaled(0.01);
        Assert.Equal(55, scaled.SymmetricCryptographic);
        Assert.Equal(1, scaled.CreateKey);
        Assert.Throws<ArgumentOutOfRangeException>(() => RequestQuotas.Standard.Scaled(0));
    }
}
