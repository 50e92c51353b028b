using System.Net;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.KeyStores;

/// <summary>
/// External key stores through the SDK client, as the SDK's doc text for the custom key store
/// operations and the XKS Proxy API specification describe them, against <see cref="FakeXksProxy"/>.
/// </summary>
public sealed class ExternalKeyStoreTests
{
    private readonly FakeXksProxy _proxy = new();
    private readonly Lab _lab;
    private readonly IAmazonKeyManagementService _kms;

    public ExternalKeyStoreTests()
    {
        _lab = Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start), XksProxyHandler = _proxy, XksProxyTimeout = TimeSpan.FromMilliseconds(100) });
        _kms = _lab.CreateKmsClient();
    }

    private static CreateCustomKeyStoreRequest Request(string name = "lab-xks", string? secret = null, string path = FakeXksProxy.Path) => new()
    {
        CustomKeyStoreName = name,
        CustomKeyStoreType = CustomKeyStoreType.EXTERNAL_KEY_STORE,
        XksProxyConnectivity = XksProxyConnectivityType.PUBLIC_ENDPOINT,
        XksProxyUriEndpoint = FakeXksProxy.Endpoint,
        XksProxyUriPath = path,
        XksProxyAuthenticationCredential = new XksProxyAuthenticationCredentialType { AccessKeyId = FakeXksProxy.AccessKeyId, RawSecretAccessKey = secret ?? FakeXksProxy.Secret },
    };

    private async Task<CustomKeyStoresListEntry> Describe(string id) =>
        (await _kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id })).CustomKeyStores.Single();

    [Fact]
    public async Task Creating_a_store_checks_the_proxy_with_a_signed_GetHealthStatus_and_describes_it_without_its_secret()
    {
        var id = (await _kms.CreateCustomKeyStoreAsync(Request())).CustomKeyStoreId;
        Assert.Matches("^cks-[0-9a-f]{17}$", id);

        var (path, body, authorization) = Assert.Single(_proxy.Requests);
        Assert.Equal(FakeXksProxy.Path + "/health", path);
        Assert.Equal("CreateCustomKeyStore", (string?)body["requestMetadata"]!["kmsOperation"]);
        Assert.False(string.IsNullOrEmpty((string?)body["requestMetadata"]!["kmsRequestId"]));
        Assert.Contains("/us-east-1/kms-xks-proxy/aws4_request, SignedHeaders=host;x-amz-date, Signature=", authorization, StringComparison.Ordinal);

        var store = await Describe(id);
        Assert.Equal("lab-xks", store.CustomKeyStoreName);
        Assert.Equal(CustomKeyStoreType.EXTERNAL_KEY_STORE, store.CustomKeyStoreType);
        Assert.Equal(ConnectionStateType.DISCONNECTED, store.ConnectionState);
        Assert.Equal(TestLab.Start.UtcDateTime, store.CreationDate!.Value.ToUniversalTime());
        Assert.Equal(FakeXksProxy.AccessKeyId, store.XksProxyConfiguration.AccessKeyId);
        Assert.Equal(FakeXksProxy.Endpoint, store.XksProxyConfiguration.UriEndpoint);
        Assert.Equal(FakeXksProxy.Path, store.XksProxyConfiguration.UriPath);
        Assert.Equal(XksProxyConnectivityType.PUBLIC_ENDPOINT, store.XksProxyConfiguration.Connectivity);

        var audit = _lab.AuditTrail.Query(operation: "CreateCustomKeyStore").Single().ToJson();
        Assert.DoesNotContain(FakeXksProxy.Secret, audit, StringComparison.Ordinal);
        Assert.Contains("lab-xks", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_and_disconnecting_follow_the_connection_states_the_SDK_documents()
    {
        var id = (await _kms.CreateCustomKeyStoreAsync(Request())).CustomKeyStoreId;
        await _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        Assert.Equal(ConnectionStateType.CONNECTED, (await Describe(id)).ConnectionState);
        Assert.Equal("ConnectCustomKeyStore", (string?)_proxy.Requests[^1].Body["requestMetadata"]!["kmsOperation"]);

        await _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id }); // already connected: nothing to do
        Assert.Equal(2, _proxy.Requests.Count);

        // Connected: only the name may change, and the store cannot be deleted.
        await _kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, NewCustomKeyStoreName = "renamed" });
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => _kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, XksProxyUriPath = "/other/kms/xks/v1" }));
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => _kms.DeleteCustomKeyStoreAsync(new DeleteCustomKeyStoreRequest { CustomKeyStoreId = id }));

        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        var store = await Describe(id);
        Assert.Equal(ConnectionStateType.DISCONNECTED, store.ConnectionState);
        Assert.Equal("renamed", store.CustomKeyStoreName);
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id }));

        await _kms.DeleteCustomKeyStoreAsync(new DeleteCustomKeyStoreRequest { CustomKeyStoreId = id });
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => Describe(id));
        Assert.Empty((await _kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest())).CustomKeyStores);
    }

    [Theory]
    [InlineData("stopped", "XKS_PROXY_NOT_REACHABLE")]
    [InlineData("hangs", "XKS_PROXY_TIMED_OUT")]
    [InlineData("AuthenticationFailedException", "INVALID_CREDENTIALS")]
    [InlineData("InvalidUriPathException", "XKS_PROXY_INVALID_CONFIGURATION")]
    [InlineData("not json", "XKS_PROXY_INVALID_RESPONSE")]
    [InlineData("unavailable", "XKS_PROXY_NOT_REACHABLE")]
    public async Task A_connection_that_fails_leaves_the_store_FAILED_with_the_reason_until_it_is_disconnected(string failure, string connectionErrorCode)
    {
        var id = (await _kms.CreateCustomKeyStoreAsync(Request())).CustomKeyStoreId;
        switch (failure)
        {
            case "stopped": _proxy.Stopped = true; break;
            case "hangs": _proxy.Hangs = true; break;
            case "not json": _proxy.Failure = (HttpStatusCode.BadGateway, null); break;
            case "unavailable": _proxy.HealthStatus = "UNAVAILABLE"; break;
            default: _proxy.Failure = (HttpStatusCode.BadRequest, failure); break;
        }
        await _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id }); // 200: KMS connects in the background

        var store = await Describe(id);
        Assert.Equal(ConnectionStateType.FAILED, store.ConnectionState);
        Assert.Equal(connectionErrorCode, store.ConnectionErrorCode.Value);
        // "To reconnect a custom key store in a FAILED state, disconnect it, then connect it."
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id }));
        (_proxy.Stopped, _proxy.Hangs, _proxy.Failure, _proxy.HealthStatus) = (false, false, null, "ACTIVE");
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        Assert.Null((await Describe(id)).ConnectionErrorCode);
        await _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        Assert.Equal(ConnectionStateType.CONNECTED, (await Describe(id)).ConnectionState);
    }

    [Fact]
    public async Task A_proxy_that_fails_the_creation_check_gives_the_exceptions_and_messages_of_the_specifications_table()
    {
        _proxy.Stopped = true;
        var unreachable = await Assert.ThrowsAsync<XksProxyUriUnreachableException>(() => _kms.CreateCustomKeyStoreAsync(Request()));
        Assert.StartsWith("AWS KMS cannot communicate with the external key store proxy.", unreachable.Message, StringComparison.Ordinal);
        _proxy.Stopped = false;

        var wrongSecret = await Assert.ThrowsAsync<XksProxyIncorrectAuthenticationCredentialException>(() => _kms.CreateCustomKeyStoreAsync(Request(secret: "d3Jvbmcgc2VjcmV0IGZvciB0aGUgWEtTIHByb3h5IHRlc3Q=")));
        Assert.StartsWith("The external key store proxy rejected the request because it could not authenticate AWS KMS.", wrongSecret.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<XksProxyInvalidConfigurationException>(() => _kms.CreateCustomKeyStoreAsync(Request(path: "/wrong/kms/xks/v1")));
        _proxy.Failure = (HttpStatusCode.InternalServerError, null);
        var garbled = await Assert.ThrowsAsync<XksProxyInvalidResponseException>(() => _kms.CreateCustomKeyStoreAsync(Request()));
        Assert.StartsWith("AWS KMS cannot interpret the response from the external key store proxy.", garbled.Message, StringComparison.Ordinal);

        _proxy.Failure = null;
        Assert.Empty((await _kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest())).CustomKeyStores); // nothing was created by the failures
    }

    [Fact]
    public async Task Names_and_proxy_URIs_are_unique_in_the_account_and_Region_and_the_members_are_validated()
    {
        await _kms.CreateCustomKeyStoreAsync(Request());
        await Assert.ThrowsAsync<CustomKeyStoreNameInUseException>(() => _kms.CreateCustomKeyStoreAsync(Request(path: "/second/kms/xks/v1")));
        await Assert.ThrowsAsync<XksProxyUriInUseException>(() => _kms.CreateCustomKeyStoreAsync(Request(name: "second")));

        var badPath = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.CreateCustomKeyStoreAsync(Request(name: "x", path: "/kms/xks/v1/extra")));
        Assert.Equal("ValidationException", badPath.ErrorCode);
        var shortSecret = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.CreateCustomKeyStoreAsync(Request(name: "x", secret: "too-short-secret")));
        Assert.Equal("ValidationException", shortSecret.ErrorCode);
        Assert.DoesNotContain("too-short-secret", shortSecret.Message, StringComparison.Ordinal);
        var badKeyId = Request(name: "x");
        badKeyId.XksProxyAuthenticationCredential.AccessKeyId = "lowercase-is-not-base32".ToString(); // not a literal: the SDK's analyzer would refuse it at compile time
        Assert.Equal("ValidationException", (await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.CreateCustomKeyStoreAsync(badKeyId))).ErrorCode);

        var vpc = Request(name: "x");
        vpc.XksProxyConnectivity = XksProxyConnectivityType.VPC_ENDPOINT_SERVICE;
        vpc.XksProxyVpcEndpointServiceName = "com.amazonaws.vpce.us-east-1.vpce-svc-example";
        // Not KMS refusing but the simulator saying what it does not model (CreateCustomKeyStore's model lists no UnsupportedOperationException, so the SDK gives its base type).
        Assert.Equal("UnsupportedOperationException", (await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.CreateCustomKeyStoreAsync(vpc))).ErrorCode);
        // A CloudHSM key store needs a cluster (see CloudHsmKeyStoreTests); this account has none.
        await Assert.ThrowsAsync<CloudHsmClusterNotFoundException>(() => _kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest { CustomKeyStoreName = "hsm", CloudHsmClusterId = "cluster-abcdefghijk", KeyStorePassword = "kmsuser-password", TrustAnchorCertificate = "cert" }));
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = "cks-00000000000000000" }));
    }

    [Fact]
    public async Task The_operations_are_IAM_permissions_a_key_user_without_them_is_denied()
    {
        var user = _lab.CreateKmsClient(Lab.KeyUserName);
        await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => user.CreateCustomKeyStoreAsync(Request()));
        Assert.Empty(_proxy.Requests); // KMS called no proxy for a caller it refused
        var id = (await _kms.CreateCustomKeyStoreAsync(Request())).CustomKeyStoreId;
        var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => user.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        Assert.Contains("kms:ConnectCustomKeyStore", denied.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_is_CONNECTING_while_KMS_waits_for_the_proxys_answer()
    {
        // A timeout long enough that only the test's own signal ends the wait.
        using var lab = Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start), XksProxyHandler = _proxy, XksProxyTimeout = TimeSpan.FromMinutes(5) });
        var kms = lab.CreateKmsClient();
        var id = (await kms.CreateCustomKeyStoreAsync(Request())).CustomKeyStoreId;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _proxy.HoldUntil = release.Task;
        var connecting = Task.Run(() => kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id }));
        await _proxy.Holding.Task;
        async Task<ConnectionStateType> State() => (await kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id })).CustomKeyStores.Single().ConnectionState;
        Assert.Equal(ConnectionStateType.CONNECTING, await State());
        release.SetResult();
        await connecting;
        Assert.Equal(ConnectionStateType.CONNECTED, await State());
    }

    [Fact]
    public async Task Key_stores_are_regional_and_kept_in_a_snapshot()
    {
        var id = (await _kms.CreateCustomKeyStoreAsync(Request())).CustomKeyStoreId;
        await _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        var other = _lab.CreateKmsClient(Amazon.RegionEndpoint.EUWest1);
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => other.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id }));

        var restored = Lab.Restore(_lab.Snapshot(), new LabOptions { XksProxyHandler = _proxy });
        var store = (await restored.CreateKmsClient().DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreName = "lab-xks" })).CustomKeyStores.Single();
        Assert.Equal(id, store.CustomKeyStoreId);
        Assert.Equal(ConnectionStateType.CONNECTED, store.ConnectionState);
        await restored.CreateKmsClient().DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        await restored.CreateKmsClient().UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, XksProxyUriPath = FakeXksProxy.Path });
        Assert.Equal("UpdateCustomKeyStore", (string?)_proxy.Requests[^1].Body["requestMetadata"]!["kmsOperation"]); // the restored secret still signs
    }
}
