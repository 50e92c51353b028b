using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Xks;

/// <summary>The simulator's side, a start: CreateCustomKeyStore and DescribeCustomKeyStores for external key stores, through the SDK client.</summary>
public sealed class ExternalKeyStoreTests
{
    private readonly TestLab _lab = new();

    // Real KMS's model takes https://<host> with no port; KmsLab also takes its loopback proxy over plain HTTP.
    // (Built at run time: the SDK's analyzer checks string literals against the model's pattern.)
    private static readonly int ProxyPort = 4600;
    private static readonly string ProxyEndpoint = $"http://127.0.0.1:{ProxyPort}";

    private static CreateCustomKeyStoreRequest Request(string name = "lab-xks", string path = "/kmslab/kms/xks/v1") => new()
    {
        CustomKeyStoreName = name,
        CustomKeyStoreType = CustomKeyStoreType.EXTERNAL_KEY_STORE,
        XksProxyUriEndpoint = ProxyEndpoint,
        XksProxyUriPath = path,
        XksProxyConnectivity = XksProxyConnectivityType.PUBLIC_ENDPOINT,
        XksProxyAuthenticationCredential = new XksProxyAuthenticationCredentialType
        {
            AccessKeyId = XksTestProxy.Credential.AccessKeyId,
            RawSecretAccessKey = XksTestProxy.Credential.RawSecretAccessKey,
        },
    };

    [Fact]
    public async Task An_external_key_store_is_created_DISCONNECTED_and_described_without_its_secret()
    {
        var id = (await _lab.Kms.CreateCustomKeyStoreAsync(Request())).CustomKeyStoreId;
        Assert.Matches("^cks-[0-9a-f]{17}$", id);
        var described = await _lab.Kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id });
        var store = Assert.Single(described.CustomKeyStores);
        Assert.Equal("lab-xks", store.CustomKeyStoreName);
        Assert.Equal(CustomKeyStoreType.EXTERNAL_KEY_STORE, store.CustomKeyStoreType);
        Assert.Equal(ConnectionStateType.DISCONNECTED, store.ConnectionState);
        Assert.Equal(TestLab.Start.UtcDateTime, store.CreationDate?.ToUniversalTime());
        Assert.Equal(XksTestProxy.Credential.AccessKeyId, store.XksProxyConfiguration.AccessKeyId);
        Assert.Equal(ProxyEndpoint, store.XksProxyConfiguration.UriEndpoint);
        Assert.Equal("/kmslab/kms/xks/v1", store.XksProxyConfiguration.UriPath);
        Assert.Equal(XksProxyConnectivityType.PUBLIC_ENDPOINT, store.XksProxyConfiguration.Connectivity);
        Assert.False(described.Truncated);

        var audit = string.Join('\n', _lab.Lab.AuditTrail.Events.Select(e => e.ToJson()));
        Assert.DoesNotContain(XksTestProxy.Credential.RawSecretAccessKey, audit); // CloudTrail never records the credential
        Assert.Contains("CreateCustomKeyStore", audit);
    }

    [Fact]
    public async Task Names_and_proxy_URIs_are_unique_per_account_and_Region()
    {
        await _lab.Kms.CreateCustomKeyStoreAsync(Request());
        await KmsAssert.Throws<CustomKeyStoreNameInUseException>(() => _lab.Kms.CreateCustomKeyStoreAsync(Request(path: "/other/kms/xks/v1")));
        await KmsAssert.Throws<XksProxyUriInUseException>(() => _lab.Kms.CreateCustomKeyStoreAsync(Request(name: "second")));
        using var euWest1 = _lab.Lab.CreateKmsClient(RegionEndpoint.EUWest1);
        await euWest1.CreateCustomKeyStoreAsync(Request()); // another Region: its own stores
        Assert.Single((await _lab.Kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest())).CustomKeyStores);
    }

    [Fact]
    public async Task Describing_an_unknown_store_is_CustomKeyStoreNotFoundException() =>
        await KmsAssert.Throws<CustomKeyStoreNotFoundException>(() => _lab.Kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreName = "nope" }));

    [Theory]
    [InlineData("endpoint", "ftp://xks.example.com")]
    [InlineData("endpoint", "http://xks.example.com")]
    [InlineData("path", "/kmslab/kms/xks")]
    [InlineData("accessKeyId", "lowercase-not-base32xx")]
    public async Task A_malformed_proxy_configuration_is_ValidationException(string member, string value)
    {
        var request = Request();
        switch (member)
        {
            case "endpoint": request.XksProxyUriEndpoint = value; break;
            case "path": request.XksProxyUriPath = value; break;
            default: request.XksProxyAuthenticationCredential.AccessKeyId = value; break;
        }
        await KmsAssert.Validation(() => _lab.Kms.CreateCustomKeyStoreAsync(request));
    }

    [Fact]
    public async Task What_is_not_simulated_yet_says_so()
    {
        var cloudHsm = new CreateCustomKeyStoreRequest { CustomKeyStoreName = "hsm", CloudHsmClusterId = "cluster-abcdefghijk", TrustAnchorCertificate = "x", KeyStorePassword = "password" };
        await KmsAssert.Code("UnsupportedOperationException", () => _lab.Kms.CreateCustomKeyStoreAsync(cloudHsm), "CloudHSM");
        var vpc = Request();
        vpc.XksProxyConnectivity = XksProxyConnectivityType.VPC_ENDPOINT_SERVICE;
        await KmsAssert.Code("UnsupportedOperationException", () => _lab.Kms.CreateCustomKeyStoreAsync(vpc), "VPC");
    }

    [Fact]
    public async Task External_key_stores_survive_a_snapshot_and_restore()
    {
        var id = (await _lab.Kms.CreateCustomKeyStoreAsync(Request())).CustomKeyStoreId;
        var restored = Lab.Restore(_lab.Lab.Snapshot());
        using var kms = restored.CreateKmsClient();
        var store = Assert.Single((await kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest())).CustomKeyStores);
        Assert.Equal(id, store.CustomKeyStoreId);
        Assert.Equal("/kmslab/kms/xks/v1", store.XksProxyConfiguration.UriPath);
    }
}
