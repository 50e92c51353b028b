using Amazon;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Simulator;

public class RegionTests
{
    [Fact]
    public async Task KMS_is_regional_keys_are_invisible_from_another_Region()
    {
        var lab = new TestLab();
        var east = lab.Kms;
        var west = lab.Lab.CreateKmsClient(RegionEndpoint.EUWest1);
        var key = (await east.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var blob = (await east.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("regional") })).CiphertextBlob.ToArray();

        Assert.Empty((await west.ListKeysAsync(new ListKeysRequest())).Keys);
        await KmsAssert.Throws<NotFoundException>(() => west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }));
        var byArn = await KmsAssert.Throws<NotFoundException>(() => west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.Arn }));
        Assert.Contains("us-east-1", byArn.Message);
        await KmsAssert.Throws<InvalidCiphertextException>(() => west.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob) }));

        var westKey = (await west.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Assert.StartsWith("arn:aws:kms:eu-west-1:111122223333:key/", westKey.Arn);
        Assert.Single((await east.ListKeysAsync(new ListKeysRequest())).Keys);
    }

    [Theory]
    [InlineData("arn:aws:kms:us-east-1:111122223333")]
    [InlineData("arn:aws:kms:us-east-1")]
    [InlineData("arn:aws:s3:us-east-1:111122223333:key/{0}")]
    [InlineData("arn:gcp:kms:us-east-1:111122223333:key/{0}")]
    [InlineData("arn:aws:kms::111122223333:key/{0}")]
    [InlineData("arn:aws:kms:us-east-1:11112222333:key/{0}")]
    [InlineData("arn:aws:kms:us-east-1:11112222333x:key/{0}")]
    public async Task A_key_ARN_that_is_not_well_formed_is_not_found_and_named_in_the_message(string form)
    {
        var lab = new TestLab();
        var key = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var arn = string.Format(form, key.KeyId);
        var e = await KmsAssert.Throws<NotFoundException>(() => lab.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = arn }));
        Assert.Equal($"Invalid arn {arn}", e.Message);

        // The well-formed ARN finds the key.
        Assert.Equal(key.Arn, (await lab.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.Arn })).KeyMetadata.Arn);
    }

    [Fact]
    public async Task Several_clients_of_one_lab_share_one_world()
    {
        var lab = new TestLab();
        var other = lab.Lab.CreateKmsClient();
        var key = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("shared") })).CiphertextBlob;
        Assert.Equal("shared", Bytes.Text((await other.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext));
    }

    [Fact]
    public async Task Separate_labs_are_separate_worlds()
    {
        var a = new TestLab();
        var b = new TestLab();
        var key = await a.CreateKeyAsync();
        await KmsAssert.Throws<NotFoundException>(() => b.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }));
    }
}
