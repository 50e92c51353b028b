using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli;
using KmsLab.KeyTools;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

public class DemoAsymmetricTests
{
    [Fact]
    public async Task The_asymmetric_demo_signs_verifies_imports_expires_and_reimports()
    {
        var output = new StringWriter();
        int exit = await DemoAsymmetric.RunAsync(output);
        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("SignatureValid           True", text);
        Assert.Contains("KMSInvalidSignatureException", text);
        Assert.Contains("Outside KMS, original    True", text);
        Assert.Contains("Outside KMS, tampered    False", text);
        Assert.Contains("-----BEGIN PUBLIC KEY-----", text);
        Assert.Contains("PendingImport", text);
        Assert.Contains("is pending import.", text);
        Assert.Contains("decrypts again", text);
        Assert.Contains("IncorrectKeyMaterialException", text);
    }

    [Theory]
    [InlineData("RSAES_OAEP_SHA_1")]
    [InlineData("RSAES_OAEP_SHA_256")]
    [InlineData("RSA_AES_KEY_WRAP_SHA_1")]
    [InlineData("RSA_AES_KEY_WRAP_SHA_256")]
    public async Task KeyMaterialWrapping_wraps_what_ImportKeyMaterial_accepts(string algorithm)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("HMAC_512", "GENERATE_VERIFY_MAC", origin: "EXTERNAL");
        var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = algorithm, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var material = RandomNumberGenerator.GetBytes(64);
        await lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId,
            ImportToken = parameters.ImportToken,
            EncryptedKeyMaterial = Stream(KeyMaterialWrapping.Wrap(parameters.PublicKey.ToArray(), algorithm, material)),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        });
        var mac = await lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream("m"u8.ToArray()), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_512 });
        Assert.Equal(HMACSHA512.HashData(material, "m"u8), mac.Mac.ToArray());
        var publicKey = parameters.PublicKey.ToArray();
        Assert.Throws<ArgumentException>(() => { KeyMaterialWrapping.Wrap(publicKey, "RSAES_PKCS1_V1_5", material); });
    }
}
