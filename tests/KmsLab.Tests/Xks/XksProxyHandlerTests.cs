using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Xks;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Xks;

/// <summary>An external key store whose proxy (the real <see cref="XksProxy"/>) answers in process, through <see cref="XksProxyHandler"/>.</summary>
public sealed class XksProxyHandlerTests
{
    [Fact]
    public async Task A_lab_uses_an_in_process_proxy_and_loses_its_key_while_the_proxy_is_stopped()
    {
        var keys = new XksKeyManager();
        keys.CreateKey("payroll-key");
        var proxy = new XksProxy(keys, XksCredential.Generate(RandomNumberGenerator.Create()), "/lab");
        var log = new StringWriter();
        proxy.Log = log;
        var link = new XksProxyHandler(proxy);
        using var lab = Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start), XksProxyHandler = link });
        var kms = lab.CreateKmsClient();
        var request = link.CreateKeyStoreRequest("in-process");
        Assert.Equal(proxy.UriPath, request.XksProxyUriPath);
        var storeId = (await kms.CreateCustomKeyStoreAsync(request)).CustomKeyStoreId;
        await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = storeId });
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = storeId, XksKeyId = "payroll-key" })).KeyMetadata;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream("salaries"u8.ToArray()) })).CiphertextBlob.ToArray();
        Assert.Contains("Encrypt", log.ToString(), StringComparison.Ordinal);

        link.Stopped = true;
        var e = await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        Assert.StartsWith("AWS KMS cannot communicate with the external key store proxy.", e.Message, StringComparison.Ordinal);
        link.Stopped = false;
        var plain = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        Assert.Equal("salaries", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));

        keys.SetStatus("payroll-key", XksKeyStatus.Disabled);
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
    }
}
