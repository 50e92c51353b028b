using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.KeyStores;

/// <summary>
/// KMS keys in an external key store (Origin EXTERNAL_KEY_STORE) through the SDK client: CreateKey
/// checks the external key with the proxy, and every encryption and decryption goes through it.
/// </summary>
public sealed class ExternalKeyTests
{
    private readonly FakeXksProxy _proxy = new();
    private readonly Lab _lab;
    private readonly IAmazonKeyManagementService _kms;
    private readonly string _storeId;

    public ExternalKeyTests()
    {
        _lab = Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start), XksProxyHandler = _proxy, XksProxyTimeout = TimeSpan.FromMilliseconds(100) });
        _kms = _lab.CreateKmsClient();
        _storeId = _kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
        {
            CustomKeyStoreName = "lab-xks",
            CustomKeyStoreType = CustomKeyStoreType.EXTERNAL_KEY_STORE,
            XksProxyConnectivity = XksProxyConnectivityType.PUBLIC_ENDPOINT,
            XksProxyUriEndpoint = FakeXksProxy.Endpoint,
            XksProxyUriPath = FakeXksProxy.Path,
            XksProxyAuthenticationCredential = new XksProxyAuthenticationCredentialType { AccessKeyId = FakeXksProxy.AccessKeyId, RawSecretAccessKey = FakeXksProxy.Secret },
        }).GetAwaiter().GetResult().CustomKeyStoreId;
        _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = _storeId }).GetAwaiter().GetResult();
    }

    private async Task<KeyMetadata> CreateKey(string xksKeyId = "ext-key-1") =>
        (await _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = _storeId, XksKeyId = xksKeyId })).KeyMetadata;

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task A_key_in_the_store_encrypts_through_the_proxy_and_decrypts_with_both_keys()
    {
        var key = await CreateKey();
        Assert.Equal(OriginType.EXTERNAL_KEY_STORE, key.Origin);
        Assert.Equal(_storeId, key.CustomKeyStoreId);
        Assert.Equal("ext-key-1", key.XksKeyConfiguration.Id);
        var metadataCall = _proxy.Requests[^1];
        Assert.Equal(FakeXksProxy.Path + "/keys/ext-key-1/metadata", metadataCall.Path);
        Assert.Equal("CreateKey", (string?)metadataCall.Body["requestMetadata"]!["kmsOperation"]);
        Assert.Equal(_lab.AdminArn, (string?)metadataCall.Body["requestMetadata"]!["awsPrincipalArn"]);

        var context = new Dictionary<string, string> { ["purpose"] = "test" };
        var encrypted = await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("held outside AWS"), EncryptionContext = context });
        var encryptCall = _proxy.Requests[^1];
        Assert.Equal(FakeXksProxy.Path + "/keys/ext-key-1/encrypt", encryptCall.Path);
        Assert.Equal(key.Arn, (string?)encryptCall.Body["requestMetadata"]!["kmsKeyArn"]);
        Assert.Equal(encrypted.ResponseMetadata.RequestId, (string?)encryptCall.Body["requestMetadata"]!["kmsRequestId"]);
        Assert.Equal("SHA_256", (string?)encryptCall.Body["ciphertextDataIntegrityValueAlgorithm"]);
        // Double encryption: what the proxy saw is already KMS ciphertext, never the plaintext.
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("held outside AWS")), encryptCall.Body.ToJsonString(), StringComparison.Ordinal);

        var decrypted = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = context });
        Assert.Equal("held outside AWS", Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()));
        Assert.Equal("Decrypt", (string?)_proxy.Requests[^1].Body["requestMetadata"]!["kmsOperation"]);
        // Without its encryption context the proxy's AES-GCM refuses it: KMS reports the proxy's InvalidCiphertextException as the specification's table says.
        var wrongContext = await Assert.ThrowsAsync<KMSInvalidStateException>(() => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(encrypted.CiphertextBlob.ToArray()) }));
        Assert.StartsWith("The external key store proxy rejected the request because the specified ciphertext or encryption context is corrupted", wrongContext.Message, StringComparison.Ordinal);

        var dataKey = await _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
        var again = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob });
        Assert.Equal(dataKey.Plaintext.ToArray(), again.Plaintext.ToArray());

        var standard = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var moved = await _kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = encrypted.CiphertextBlob, SourceEncryptionContext = context, DestinationKeyId = standard.KeyId });
        Assert.Equal("held outside AWS", Encoding.UTF8.GetString((await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = moved.CiphertextBlob })).Plaintext.ToArray()));
    }

    [Fact]
    public async Task A_ciphertext_in_the_simulators_first_layout_still_decrypts_through_the_proxy()
    {
        // Before KmsLab's blobs took real KMS's layout, the inner blob was 0x01, key ID, material ID, IV,
        // tag and ciphertext; the external blob kept its 49-byte header (with 0x02 in byte 0). Built here
        // from the key's own material and the proxy's external key.
        var key = await CreateKey();
        var material = _lab.World.FindKey(Guid.Parse(key.KeyId), _lab.AccountId, "us-east-1").Key!.CurrentMaterial;
        var header = new byte[49];
        header[0] = 0x01;
        Assert.True(Guid.Parse(key.KeyId).TryWriteBytes(header.AsSpan(1, 16), bigEndian: true, out _));
        material.IdBytes.CopyTo(header, 17);
        var secret = Encoding.UTF8.GetBytes("encrypted last year");
        var (iv, tag, ciphertext) = (System.Security.Cryptography.RandomNumberGenerator.GetBytes(12), new byte[16], new byte[secret.Length]);
        material.Aes.Encrypt(iv, secret, ciphertext, tag, header);
        byte[] innerPart = [.. iv, .. tag, .. ciphertext];

        header[0] = 0x02;
        var proxyAad = System.Security.Cryptography.SHA256.HashData(header);
        var (outerIv, outerTag, outer) = (System.Security.Cryptography.RandomNumberGenerator.GetBytes(12), new byte[16], new byte[innerPart.Length]);
        using (var external = new System.Security.Cryptography.AesGcm(_proxy.Keys["ext-key-1"], 16)) external.Encrypt(outerIv, innerPart, outer, outerTag, proxyAad);
        byte[] blob = [.. header, 12, .. outerIv, .. outerTag, 0, .. outer];

        var decrypted = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        Assert.Equal("encrypted last year", Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()));
        Assert.Equal(key.Arn, decrypted.KeyId);
    }

    [Fact]
    public async Task Without_the_proxy_or_the_connection_the_key_cannot_be_used_and_works_again_once_it_is_back()
    {
        var key = await CreateKey();
        var encrypted = await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("secret") });

        _proxy.Stopped = true;
        var down = await Assert.ThrowsAsync<KMSInvalidStateException>(() => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(encrypted.CiphertextBlob.ToArray()) }));
        Assert.StartsWith("AWS KMS cannot communicate with the external key store proxy.", down.Message, StringComparison.Ordinal);
        Assert.Equal("KMSInvalidStateException", _lab.AuditTrail.Query(operation: "Decrypt").Last().ErrorCode);
        _proxy.Stopped = false;
        Assert.Equal("secret", Encoding.UTF8.GetString((await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(encrypted.CiphertextBlob.ToArray()) })).Plaintext.ToArray()));

        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = _storeId });
        var disconnected = await Assert.ThrowsAsync<KMSInvalidStateException>(() => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("x") }));
        Assert.StartsWith("This KMS key is in a custom key store that is not connected", disconnected.Message, StringComparison.Ordinal);
        // "The KMS keys in the disconnected external key store are in an UNAVAILABLE key state (unless they are pending deletion)."
        Assert.Equal(KeyState.Unavailable, (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => CreateKey("ext-key-2"));
        await Assert.ThrowsAsync<CustomKeyStoreHasCMKsException>(() => _kms.DeleteCustomKeyStoreAsync(new DeleteCustomKeyStoreRequest { CustomKeyStoreId = _storeId }));

        await _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = _storeId });
        _proxy.Disabled.Add("ext-key-1");
        var disabled = await Assert.ThrowsAsync<KMSInvalidStateException>(() => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("x") }));
        Assert.StartsWith("The external key associated with this KMS key in an external key store is not enabled", disabled.Message, StringComparison.Ordinal);
        _proxy.Disabled.Clear();
        _proxy.WrongIntegrityValue = true;
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 }));
    }

    [Fact]
    public async Task CreateKey_checks_the_store_and_the_external_key_as_KMS_does()
    {
        await CreateKey();
        await Assert.ThrowsAsync<XksKeyAlreadyInUseException>(() => CreateKey("ext-key-1"));
        await Assert.ThrowsAsync<XksKeyNotFoundException>(() => CreateKey("no-such-key"));
        _proxy.Disabled.Add("ext-key-2");
        await Assert.ThrowsAsync<XksKeyInvalidConfigurationException>(() => CreateKey("ext-key-2"));
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = "cks-00000000000000000", XksKeyId = "ext-key-2" }));
        var asymmetric = await Assert.ThrowsAsync<UnsupportedOperationException>(() => _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = _storeId, XksKeyId = "ext-key-2", KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY }));
        Assert.Contains("symmetric encryption keys", asymmetric.Message, StringComparison.Ordinal);
        var noKey = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = _storeId }));
        Assert.Equal("ValidationException", noKey.ErrorCode);
        var user = _lab.CreateKmsClient(Lab.KeyUserName);
        int calls = _proxy.Requests.Count;
        await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => user.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = _storeId, XksKeyId = "ext-key-2" }));
        Assert.Equal(calls, _proxy.Requests.Count); // no proxy call for a caller without kms:CreateKey
    }

    [Fact]
    public async Task A_restored_lab_keeps_the_key_in_its_store_and_decrypts_through_the_proxy()
    {
        var key = await CreateKey();
        var encrypted = await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("kept") });
        var restored = Lab.Restore(_lab.Snapshot(), new LabOptions { XksProxyHandler = _proxy });
        var kms = restored.CreateKmsClient();
        var described = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
        Assert.Equal("ext-key-1", described.XksKeyConfiguration.Id);
        Assert.Equal("kept", Encoding.UTF8.GetString((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob })).Plaintext.ToArray()));
    }

    [Fact]
    public async Task An_IAM_policy_can_keep_keys_out_of_external_key_stores_with_kms_KeyOrigin()
    {
        _lab.PutIdentityPolicy(Lab.KeyManagerName, "keys", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"kms:CreateKey","Resource":"*"},
              {"Effect":"Deny","Action":"kms:CreateKey","Resource":"*","Condition":{"StringEquals":{"kms:KeyOrigin":"EXTERNAL_KEY_STORE"}}}]}
            """);
        var manager = _lab.CreateKmsClient(Lab.KeyManagerName);
        Assert.Equal(OriginType.AWS_KMS, (await manager.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Origin);
        int calls = _proxy.Requests.Count;
        var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => manager.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = _storeId, XksKeyId = "ext-key-2" }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        Assert.Equal(calls, _proxy.Requests.Count);
    }
}
