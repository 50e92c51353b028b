namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// A custom key store of one account in one Region: an external key store (XKS), whose keys'
/// material lives behind an external key store proxy, or a CloudHSM key store, whose keys live in
/// a (simulated) CloudHSM cluster. Mutated only by the engine under the world lock.
/// </summary>
internal sealed class CustomKeyStore
{
    public const string ExternalKeyStoreType = "EXTERNAL_KEY_STORE";
    public const string CloudHsmType = "AWS_CLOUDHSM";

    public CustomKeyStore(string id, string name, DateTimeOffset creationDate, XksProxySettings proxy)
        : this(id, name, ExternalKeyStoreType, creationDate) => Proxy = proxy;

    public CustomKeyStore(string id, string name, DateTimeOffset creationDate, CloudHsmStoreSettings cloudHsm)
        : this(id, name, CloudHsmType, creationDate) => CloudHsm = cloudHsm;

    private CustomKeyStore(string id, string name, string type, DateTimeOffset creationDate)
    {
        Id = id;
        Name = name;
        Type = type;
        CreationDate = creationDate;
    }

    public string Id { get; }

    public string Name { get; set; }

    /// <summary><see cref="ExternalKeyStoreType"/> or <see cref="CloudHsmType"/>.</summary>
    public string Type { get; }

    public DateTimeOffset CreationDate { get; }

    /// <summary>For an external key store: how KMS reaches the proxy and the credential it signs with; null for a CloudHSM key store.</summary>
    public XksProxySettings? Proxy { get; set; }

    /// <summary>For a CloudHSM key store: its cluster and the kmsuser password; null for an external key store.</summary>
    public CloudHsmStoreSettings? CloudHsm { get; set; }

    public bool IsExternal => Type == ExternalKeyStoreType;

    /// <summary>CONNECTED, CONNECTING, DISCONNECTED, DISCONNECTING or FAILED.</summary>
    public string ConnectionState { get; set; } = CustomKeyStoreStates.Disconnected;

    /// <summary>Why the last connection attempt failed; only while <see cref="ConnectionState"/> is FAILED.</summary>
    public string? ConnectionErrorCode { get; set; }

    /// <summary>When a CONNECTING CloudHSM key store's connection attempt ends (lab time); null otherwise.</summary>
    public DateTimeOffset? ConnectsAt { get; set; }

    public bool IsConnected => ConnectionState == CustomKeyStoreStates.Connected;

    /// <summary>Ends a connection attempt: CONNECTED, or FAILED with the ConnectionErrorCode.</summary>
    public void EndConnection(string? error)
    {
        ConnectionState = error is null ? CustomKeyStoreStates.Connected : CustomKeyStoreStates.Failed;
        ConnectionErrorCode = error;
        ConnectsAt = null;
    }
}

/// <summary>The connection states of a custom key store, as DescribeCustomKeyStores spells them.</summary>
internal static class CustomKeyStoreStates
{
    public const string Connected = "CONNECTED";
    public const string Connecting = "CONNECTING";
    public const string Disconnected = "DISCONNECTED";
    public const string Disconnecting = "DISCONNECTING";
    public const string Failed = "FAILED";
}
