using System.Text.RegularExpressions;
using KmsLab.Simulation.KeyStores;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;

namespace KmsLab.Simulation.Services;

/// <summary>
/// Custom key stores: CreateCustomKeyStore, DescribeCustomKeyStores, UpdateCustomKeyStore,
/// ConnectCustomKeyStore, DisconnectCustomKeyStore and DeleteCustomKeyStore, for external key
/// stores (XKS) and CloudHSM key stores (<see cref="CloudHsmKeyStores"/>). Each is an IAM-only
/// permission (no key policy applies: a key store is not a key), and none works across accounts.
/// KMS calls an external store's proxy (GetHealthStatus) when a store with a public endpoint is
/// created or changed and when it is connected; that call is made outside the world lock, so a
/// slow proxy holds up only its own caller. A CloudHSM store's cluster is in the simulated world:
/// its checks run under the lock.
/// </summary>
internal sealed partial class CustomKeyStoreService(RequestPipeline pipeline)
{
    private static readonly KmsOperation CreateOperation = OperationCatalog.Get("CreateCustomKeyStore");
    private static readonly KmsOperation DescribeOperation = OperationCatalog.Get("DescribeCustomKeyStores");
    private static readonly KmsOperation UpdateOperation = OperationCatalog.Get("UpdateCustomKeyStore");
    private static readonly KmsOperation ConnectOperation = OperationCatalog.Get("ConnectCustomKeyStore");
    private static readonly KmsOperation DisconnectOperation = OperationCatalog.Get("DisconnectCustomKeyStore");
    private static readonly KmsOperation DeleteOperation = OperationCatalog.Get("DeleteCustomKeyStore");

    private const string ExternalKeyStore = CustomKeyStore.ExternalKeyStoreType;
    private const string CloudHsm = CustomKeyStore.CloudHsmType;
    private static readonly IReadOnlyList<string> Types = [CloudHsm, ExternalKeyStore];
    private static readonly IReadOnlyList<string> Connectivities = [XksProxySettings.PublicEndpoint, XksProxySettings.VpcEndpointService];

    /// <summary>Custom key stores an account may have in a Region (KMS quota "Custom key stores": 10).</summary>
    public const int MaxKeyStoresPerRegion = 10;

    private const string UriEndpointPattern = "^https://[a-zA-Z0-9.-]+$";
    private const string UriPathPattern = "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$";
    private const string AccessKeyIdPattern = "^[A-Z2-7]+$";
    private const string SecretPattern = "^[a-zA-Z0-9\\/+=]+$";

    [GeneratedRegex(UriEndpointPattern)] private static partial Regex UriEndpointRegex();
    // The simulator's one departure: a proxy on this machine, over plain HTTP, on a port (real KMS speaks HTTPS on 443 to a DNS name).
    [GeneratedRegex("^http://(localhost|127\\.0\\.0\\.1|\\[::1\\]):[0-9]{1,5}$")] private static partial Regex LoopbackEndpointRegex();
    [GeneratedRegex(UriPathPattern)] private static partial Regex UriPathRegex();
    [GeneratedRegex(AccessKeyIdPattern)] private static partial Regex AccessKeyIdRegex();
    [GeneratedRegex(SecretPattern)] private static partial Regex SecretRegex();

    private KmsWorld World => pipeline.World;

    private DateTimeOffset Now => pipeline.Now;

    public CreateCustomKeyStoreResponse CreateCustomKeyStore(CallContext ctx, CreateCustomKeyStoreRequest request)
    {
        var type = request.CustomKeyStoreType ?? CloudHsm;
        var v = RequestValidator.Start()
            .Required(request.CustomKeyStoreName, "customKeyStoreName").Length(request.CustomKeyStoreName, "customKeyStoreName", 1, 256)
            .Enum(request.CustomKeyStoreType, "customKeyStoreType", Types)
            .Enum(request.XksProxyConnectivity, "xksProxyConnectivity", Connectivities);
        ValidateProxyMembers(v, request.XksProxyUriEndpoint, request.XksProxyUriPath, request.XksProxyAuthenticationCredential);
        v.ThrowIfInvalid();
        if (type == CloudHsm) return CreateCloudHsmKeyStore(ctx, request);
        if (request.CloudHsmClusterId is not null || request.TrustAnchorCertificate is not null || request.KeyStorePassword is not null)
        {
            throw KmsException.Validation("CloudHsmClusterId, TrustAnchorCertificate and KeyStorePassword are for CloudHSM key stores; omit them for an external key store.");
        }
        var missing = new[] { ("XksProxyUriEndpoint", (object?)request.XksProxyUriEndpoint), ("XksProxyUriPath", request.XksProxyUriPath), ("XksProxyConnectivity", request.XksProxyConnectivity), ("XksProxyAuthenticationCredential", request.XksProxyAuthenticationCredential) }
            .Where(m => m.Item2 is null).Select(m => m.Item1).ToList();
        if (missing.Count > 0) throw KmsException.Validation($"An external key store needs {string.Join(", ", missing)}.");
        var proxy = Settings(request.XksProxyConnectivity!, request.XksProxyUriEndpoint!, request.XksProxyUriPath!, request.XksProxyAuthenticationCredential!, request.XksProxyVpcEndpointServiceName, request.XksProxyVpcEndpointServiceOwner);

        // Authorized and checked for conflicts first, so that no unauthorized caller makes KMS call a proxy.
        pipeline.RunWithoutKey(CreateOperation, ctx, (Request: request, Proxy: proxy), static (s, kms) =>
        {
            CheckUnique(kms, null, s.Request.CustomKeyStoreName!, s.Proxy);
            CheckRoomForAStore(kms);
            return 0;
        });
        // "For external key stores with PUBLIC_ENDPOINT connectivity, this endpoint must be reachable
        // before you create the custom key store. KMS connects to the external key store proxy while creating it."
        CheckHealth(ctx, proxy, CreateOperation.Name);
        return pipeline.InWorld(ctx, (Request: request, Proxy: proxy, Service: this), static (s, kms) =>
        {
            CheckUnique(kms, null, s.Request.CustomKeyStoreName!, s.Proxy); // again: another caller may have won the race meanwhile
            var store = new CustomKeyStore(s.Service.NewId(), s.Request.CustomKeyStoreName!, s.Service.Now, s.Proxy);
            kms.KeyStores.Add(store);
            return new CreateCustomKeyStoreResponse { CustomKeyStoreId = store.Id };
        });
    }

    /// <summary>A CloudHSM key store: its cluster must be there, active, unused and hold two HSMs in two Availability Zones, and the trust anchor must be the cluster's.</summary>
    private CreateCustomKeyStoreResponse CreateCloudHsmKeyStore(CallContext ctx, CreateCustomKeyStoreRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.CloudHsmClusterId, "cloudHsmClusterId").Length(request.CloudHsmClusterId, "cloudHsmClusterId", 19, 24)
            .Required(request.TrustAnchorCertificate, "trustAnchorCertificate").Length(request.TrustAnchorCertificate, "trustAnchorCertificate", 1, 5000)
            .Required(request.KeyStorePassword, "keyStorePassword");
        ValidatePassword(v, request.KeyStorePassword);
        v.ThrowIfInvalid();
        if (request.XksProxyUriEndpoint is not null || request.XksProxyUriPath is not null || request.XksProxyConnectivity is not null || request.XksProxyAuthenticationCredential is not null
            || request.XksProxyVpcEndpointServiceName is not null || request.XksProxyVpcEndpointServiceOwner is not null)
        {
            throw KmsException.Validation("The XksProxy* parameters are for external key stores (CustomKeyStoreType EXTERNAL_KEY_STORE); omit them for a CloudHSM key store.");
        }
        return pipeline.RunWithoutKey(CreateOperation, ctx, (Request: request, Service: this), static (s, kms) =>
        {
            CheckName(kms, null, s.Request.CustomKeyStoreName!);
            CheckRoomForAStore(kms);
            var store = CloudHsmKeyStores.Create(kms, s.Service.NewId(), s.Request.CustomKeyStoreName!, s.Service.Now, s.Request);
            kms.KeyStores.Add(store);
            return new CreateCustomKeyStoreResponse { CustomKeyStoreId = store.Id };
        });
    }

    public DescribeCustomKeyStoresResponse DescribeCustomKeyStores(CallContext ctx, DescribeCustomKeyStoresRequest request)
    {
        RequestValidator.Start()
            .Length(request.CustomKeyStoreId, "customKeyStoreId", 1, 64)
            .Length(request.CustomKeyStoreName, "customKeyStoreName", 1, 256)
            .ThrowIfInvalid();
        RequestRules.Paging(request.Limit, request.Marker, KmsLimits.MaxListLimit);
        if (request.CustomKeyStoreId is not null && request.CustomKeyStoreName is not null)
        {
            throw KmsException.Validation("Specify either CustomKeyStoreId or CustomKeyStoreName, not both.");
        }
        return pipeline.RunWithoutKey(DescribeOperation, ctx, request, static (request, kms) =>
        {
            IReadOnlyList<CustomKeyStore> stores = kms.KeyStores;
            if (request.CustomKeyStoreId is { } id) stores = [Find(kms, id)];
            else if (request.CustomKeyStoreName is { } name)
            {
                stores = kms.KeyStores.Where(s => s.Name == name).ToList();
                if (stores.Count == 0) throw NotFound($"There is no custom key store named '{name}' in this account and Region.");
            }
            var page = Paging.Page(stores, s => s.Id, request.Limit ?? KmsLimits.DefaultListLimit, request.Marker);
            return new DescribeCustomKeyStoresResponse
            {
                CustomKeyStores = page.Items.Select(Entry).ToList(),
                NextMarker = page.NextMarker,
                Truncated = page.NextMarker is not null,
            };
        });
    }

    public EmptyResponse UpdateCustomKeyStore(CallContext ctx, UpdateCustomKeyStoreRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.CustomKeyStoreId, "customKeyStoreId").Length(request.CustomKeyStoreId, "customKeyStoreId", 1, 64)
            .Length(request.NewCustomKeyStoreName, "newCustomKeyStoreName", 1, 256)
            .Length(request.CloudHsmClusterId, "cloudHsmClusterId", 19, 24)
            .Enum(request.XksProxyConnectivity, "xksProxyConnectivity", Connectivities);
        ValidatePassword(v, request.KeyStorePassword);
        ValidateProxyMembers(v, request.XksProxyUriEndpoint, request.XksProxyUriPath, request.XksProxyAuthenticationCredential);
        v.ThrowIfInvalid();
        bool changesProxy = request.XksProxyUriEndpoint is not null || request.XksProxyUriPath is not null || request.XksProxyAuthenticationCredential is not null
            || request.XksProxyConnectivity is not null || request.XksProxyVpcEndpointServiceName is not null || request.XksProxyVpcEndpointServiceOwner is not null;
        bool changesCluster = request.CloudHsmClusterId is not null || request.KeyStorePassword is not null;
        var proposed = pipeline.RunWithoutKey(UpdateOperation, ctx, (Request: request, ChangesProxy: changesProxy, ChangesCluster: changesCluster), static (s, kms) =>
        {
            var store = Find(kms, s.Request.CustomKeyStoreId!);
            var r = s.Request;
            if (store.IsExternal ? s.ChangesCluster : s.ChangesProxy)
            {
                throw KmsException.Validation(store.IsExternal
                    ? "CloudHsmClusterId and KeyStorePassword are for CloudHSM key stores; this is an external key store."
                    : "The XksProxy* parameters are for external key stores; this is a CloudHSM key store.");
            }
            // "UpdateCustomKeyStore can be called on a custom key store in the CONNECTED state only to
            // update NewCustomKeyStoreName. For all other properties, the ConnectionState must be DISCONNECTED."
            bool changesMore = s.ChangesProxy || s.ChangesCluster;
            if (changesMore && store.ConnectionState != CustomKeyStoreStates.Disconnected
                || !changesMore && store.ConnectionState is not (CustomKeyStoreStates.Disconnected or CustomKeyStoreStates.Connected))
            {
                throw InvalidState(store, "UpdateCustomKeyStore");
            }
            CheckName(kms, store, r.NewCustomKeyStoreName ?? store.Name);
            if (!store.IsExternal)
            {
                var settings = CloudHsmKeyStores.Update(kms, store, r.CloudHsmClusterId, r.KeyStorePassword);
                if (r.NewCustomKeyStoreName is { } newName) store.Name = newName;
                store.CloudHsm = settings;
                return null;
            }
            var old = store.Proxy!;
            var credential = r.XksProxyAuthenticationCredential;
            var proxy = Settings(r.XksProxyConnectivity ?? old.Connectivity, r.XksProxyUriEndpoint ?? old.UriEndpoint, r.XksProxyUriPath ?? old.UriPath,
                credential ?? new XksProxyAuthenticationCredential { AccessKeyId = old.AccessKeyId, RawSecretAccessKey = old.SecretAccessKey },
                r.XksProxyVpcEndpointServiceName ?? old.VpcEndpointServiceName, r.XksProxyVpcEndpointServiceOwner ?? old.VpcEndpointServiceOwner);
            CheckUnique(kms, store, r.NewCustomKeyStoreName ?? store.Name, proxy);
            return proxy;
        });
        if (proposed is null) return EmptyResponse.Instance; // a CloudHSM key store: updated already
        if (changesProxy) CheckHealth(ctx, proposed, UpdateOperation.Name);
        return pipeline.InWorld(ctx, (Request: request, Proxy: proposed), static (s, kms) =>
        {
            var store = Find(kms, s.Request.CustomKeyStoreId!);
            CheckUnique(kms, store, s.Request.NewCustomKeyStoreName ?? store.Name, s.Proxy);
            if (s.Request.NewCustomKeyStoreName is { } name) store.Name = name;
            store.Proxy = s.Proxy;
            return EmptyResponse.Instance;
        });
    }

    public EmptyResponse ConnectCustomKeyStore(CallContext ctx, CustomKeyStoreIdRequest request)
    {
        RequiredId(request);
        var proxy = pipeline.RunWithoutKey(ConnectOperation, ctx, (Id: request.CustomKeyStoreId!, World, Now), static (s, kms) =>
        {
            var store = Find(kms, s.Id);
            switch (store.ConnectionState)
            {
                case CustomKeyStoreStates.Connected or CustomKeyStoreStates.Connecting:
                    return null; // already connected, or on its way
                case CustomKeyStoreStates.Disconnecting or CustomKeyStoreStates.Failed:
                    throw InvalidState(store, "ConnectCustomKeyStore");
            }
            store.ConnectionState = CustomKeyStoreStates.Connecting;
            store.ConnectionErrorCode = null;
            if (store.CloudHsm is not null)
            {
                // KMS answers at once; the connection ends (CONNECTED or FAILED) once its time has passed on the lab's clock.
                store.ConnectsAt = s.Now.AddMinutes(KmsFacts.CloudHsmConnectionMinutes);
                s.World.Schedule(store.ConnectsAt);
                return null;
            }
            return store.Proxy;
        });
        if (proxy is null) return EmptyResponse.Instance;
        // KMS answers at once and connects in the background: DescribeCustomKeyStores shows CONNECTING
        // until the proxy has answered, then CONNECTED, or FAILED with the reason.
        string? error = null;
        try
        {
            var health = Proxy.GetHealthStatus(proxy, ctx.Region, new XksRequestMetadata(ConnectOperation.Name, ctx.RequestId));
            if (!health.CanServe) error = "XKS_PROXY_NOT_REACHABLE"; // "…if the proxy reports that all external key manager instances are unavailable"
        }
        catch (XksProxyException e)
        {
            error = XksProxyFailures.ConnectionErrorCode(e.Failure);
        }
        return pipeline.InWorld(ctx, (Id: request.CustomKeyStoreId!, Error: error), static (s, kms) =>
        {
            // Disconnected (or deleted) meanwhile: that later call wins.
            if (kms.KeyStores.FirstOrDefault(k => k.Id == s.Id) is { ConnectionState: CustomKeyStoreStates.Connecting } store) store.EndConnection(s.Error);
            return EmptyResponse.Instance;
        });
    }

    public EmptyResponse DisconnectCustomKeyStore(CallContext ctx, CustomKeyStoreIdRequest request)
    {
        RequiredId(request);
        return pipeline.RunWithoutKey(DisconnectOperation, ctx, request.CustomKeyStoreId!, static (id, kms) =>
        {
            var store = Find(kms, id);
            if (store.ConnectionState is CustomKeyStoreStates.Disconnected or CustomKeyStoreStates.Disconnecting) throw InvalidState(store, "DisconnectCustomKeyStore");
            store.ConnectionState = CustomKeyStoreStates.Disconnected;
            store.ConnectionErrorCode = null;
            store.ConnectsAt = null;
            return EmptyResponse.Instance;
        });
    }

    public EmptyResponse DeleteCustomKeyStore(CallContext ctx, CustomKeyStoreIdRequest request)
    {
        RequiredId(request);
        return pipeline.RunWithoutKey(DeleteOperation, ctx, request.CustomKeyStoreId!, static (id, kms) =>
        {
            var store = Find(kms, id);
            if (kms.Keys.Count(k => k.CustomKeyStoreId == store.Id) is > 0 and var keys)
            {
                throw new KmsException(KmsErrorCodes.CustomKeyStoreHasCMKs, $"Custom key store {store.Id} still holds {keys} KMS key(s): schedule their deletion, and delete the store once they are gone.");
            }
            if (store.ConnectionState != CustomKeyStoreStates.Disconnected) throw InvalidState(store, "DeleteCustomKeyStore");
            kms.KeyStores.Remove(store);
            return EmptyResponse.Instance;
        });
    }

    private IXksProxy Proxy => World.XksProxy ?? throw new KmsException(KmsErrorCodes.UnsupportedOperation, "This lab has no way to reach external key store proxies.");

    /// <summary>GetHealthStatus on a public endpoint, as Create and Update do; a failure is the operation's error.</summary>
    private void CheckHealth(CallContext ctx, XksProxySettings proxy, string operation)
    {
        if (proxy.Connectivity != XksProxySettings.PublicEndpoint) return;
        try
        {
            var health = Proxy.GetHealthStatus(proxy, ctx.Region, new XksRequestMetadata(operation, ctx.RequestId));
            if (!health.CanServe) throw new XksProxyException(XksProxyFailure.ProxyInternal, "every external key manager is UNAVAILABLE");
        }
        catch (XksProxyException e)
        {
            throw XksProxyFailures.ToKmsException(e, XksProxyFailures.Caller.KeyStoreAdministration);
        }
    }

    private static void ValidateProxyMembers(RequestValidator v, string? uriEndpoint, string? uriPath, XksProxyAuthenticationCredential? credential)
    {
        v.Length(uriEndpoint, "xksProxyUriEndpoint", 10, 128)
            .Pattern(uriEndpoint, "xksProxyUriEndpoint", UriEndpointPattern, e => UriEndpointRegex().IsMatch(e) || LoopbackEndpointRegex().IsMatch(e))
            .Length(uriPath, "xksProxyUriPath", 10, 128)
            .Pattern(uriPath, "xksProxyUriPath", UriPathPattern, p => UriPathRegex().IsMatch(p));
        if (credential is null) return;
        v.Required(credential.AccessKeyId, "xksProxyAuthenticationCredential.accessKeyId")
            .Length(credential.AccessKeyId, "xksProxyAuthenticationCredential.accessKeyId", 20, 30)
            .Pattern(credential.AccessKeyId, "xksProxyAuthenticationCredential.accessKeyId", AccessKeyIdPattern, id => AccessKeyIdRegex().IsMatch(id))
            .Required(credential.RawSecretAccessKey, "xksProxyAuthenticationCredential.rawSecretAccessKey");
        // The secret is never repeated back, not even in a validation message.
        var secret = credential.RawSecretAccessKey;
        bool secretOk = secret is null || secret.Length is >= 43 and <= 64 && SecretRegex().IsMatch(secret);
        v.Pattern(secretOk ? null : "***", "xksProxyAuthenticationCredential.rawSecretAccessKey", "^[a-zA-Z0-9\\/+=]{43,64}$", _ => false);
    }

    private static XksProxySettings Settings(string connectivity, string uriEndpoint, string uriPath, XksProxyAuthenticationCredential credential, string? vpcServiceName, string? vpcServiceOwner)
    {
        if (connectivity == XksProxySettings.VpcEndpointService)
        {
            throw KmsException.Unsupported("KmsLab simulates external key stores with PUBLIC_ENDPOINT connectivity only: it has no VPCs or VPC endpoint services.");
        }
        if (vpcServiceName is not null || vpcServiceOwner is not null)
        {
            throw KmsException.Validation("XksProxyVpcEndpointServiceName and XksProxyVpcEndpointServiceOwner are only for VPC_ENDPOINT_SERVICE connectivity.");
        }
        return new XksProxySettings(uriEndpoint, uriPath, connectivity, credential.AccessKeyId!, credential.RawSecretAccessKey!);
    }

    private static void CheckRoomForAStore(RegionalKms kms)
    {
        if (kms.KeyStores.Count >= MaxKeyStoresPerRegion)
        {
            throw new KmsException(KmsErrorCodes.LimitExceeded, $"An account can have at most {MaxKeyStoresPerRegion} custom key stores in a Region.");
        }
    }

    private static void CheckName(RegionalKms kms, CustomKeyStore? self, string name)
    {
        if (kms.KeyStores.Any(other => !ReferenceEquals(other, self) && other.Name == name))
        {
            throw new KmsException(KmsErrorCodes.CustomKeyStoreNameInUse, $"The custom key store name '{name}' is already used in this account and Region.");
        }
    }

    private static void ValidatePassword(RequestValidator v, string? password)
    {
        // The password is never repeated back, not even in a validation message.
        bool ok = password is null || password.Length is >= 7 and <= 32;
        v.Pattern(ok ? null : "***", "keyStorePassword", "^.{7,32}$", _ => false);
    }

    private static void CheckUnique(RegionalKms kms, CustomKeyStore? self, string name, XksProxySettings proxy)
    {
        CheckName(kms, self, name);
        foreach (var other in kms.KeyStores)
        {
            if (ReferenceEquals(other, self) || other.Proxy is null) continue;
            if (other.Proxy.UriEndpoint == proxy.UriEndpoint && other.Proxy.UriPath == proxy.UriPath)
            {
                throw new KmsException(KmsErrorCodes.XksProxyUriInUse, $"Another external key store in this account and Region ({other.Id}) already uses {proxy.UriEndpoint}{proxy.UriPath}.");
            }
        }
    }

    private static void RequiredId(CustomKeyStoreIdRequest request) =>
        RequestValidator.Start().Required(request.CustomKeyStoreId, "customKeyStoreId").Length(request.CustomKeyStoreId, "customKeyStoreId", 1, 64).ThrowIfInvalid();

    private static CustomKeyStore Find(RegionalKms kms, string id) =>
        kms.KeyStores.FirstOrDefault(s => s.Id == id) ?? throw NotFound($"Custom key store '{id}' does not exist in this account and Region.");

    private static KmsException NotFound(string message) => new(KmsErrorCodes.CustomKeyStoreNotFound, message);

    private static KmsException InvalidState(CustomKeyStore store, string operation) =>
        new(KmsErrorCodes.CustomKeyStoreInvalidState, $"{operation} is not valid for custom key store {store.Id} while its ConnectionState is {store.ConnectionState}.");

    private static CustomKeyStoresListEntry Entry(CustomKeyStore s) => new()
    {
        CustomKeyStoreId = s.Id,
        CustomKeyStoreName = s.Name,
        CustomKeyStoreType = s.Type,
        ConnectionState = s.ConnectionState,
        ConnectionErrorCode = s.ConnectionErrorCode,
        CreationDate = s.CreationDate,
        CloudHsmClusterId = s.CloudHsm?.ClusterId,
        TrustAnchorCertificate = s.CloudHsm?.TrustAnchorCertificate,
        XksProxyConfiguration = s.Proxy is { } proxy ? new XksProxyConfiguration
        {
            AccessKeyId = proxy.AccessKeyId,
            Connectivity = proxy.Connectivity,
            UriEndpoint = proxy.UriEndpoint,
            UriPath = proxy.UriPath,
            VpcEndpointServiceName = proxy.VpcEndpointServiceName,
            VpcEndpointServiceOwner = proxy.VpcEndpointServiceOwner,
        } : null,
    };

    /// <summary>A custom key store ID: <c>cks-</c> and 17 hexadecimal digits, as KMS makes them.</summary>
    private string NewId()
    {
        Span<byte> bytes = stackalloc byte[9];
        World.Random.GetBytes(bytes);
        return "cks-" + Convert.ToHexStringLower(bytes)[..17];
    }
}
