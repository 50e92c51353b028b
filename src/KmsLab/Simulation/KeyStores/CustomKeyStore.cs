namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// A custom key store of one account in one Region: today an external key store (XKS), whose
/// keys' material lives behind an external key store proxy. Mutated only by the engine under the
/// world lock.
/// </summary>
internal sealed class CustomKeyStore(string id, string name, string type, DateTimeOffset creationDate, XksProxySettings proxy)
{
    public string Id { get; } = id;

    public string Name { get; set; } = name;

    /// <summary><c>EXTERNAL_KEY_STORE</c> (or, once simulated, <c>AWS_CLOUDHSM</c>).</summary>
    public string Type { get; } = type;

    public DateTimeOffset CreationDate { get; } = creationDate;

    /// <summary>How KMS reaches the proxy and the credential it signs with.</summary>
    public XksProxySettings Proxy { get; set; } = proxy;

    /// <summary>CONNECTED, CONNECTING, DISCONNECTED, DISCONNECTING or FAILED.</summary>
    public string ConnectionState { get; set; } = CustomKeyStoreStates.Disconnected;

    /// <summary>Why the last connection attempt failed; only while <see cref="ConnectionState"/> is FAILED.</summary>
    public string? ConnectionErrorCode { get; set; }

    public bool IsConnected => ConnectionState == CustomKeyStoreStates.Connected;
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
