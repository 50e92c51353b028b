using System.Text;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Simulator;

public class SmokeTests
{
    [Fact]
    public async Task Encrypts_and_decrypts_through_the_official_client()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        var encrypted = await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("hello")) });
        Assert.Equal(key.Arn, encrypted.KeyId);
        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob });
        Assert.Equal("hello", Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()));
    }
}
