namespace KmsLab.Simulation;

/// <summary>
/// A custom key store of one account in one Region. Only external key stores (EXTERNAL_KEY_STORE)
/// exist so far, each naming an XKS proxy by URI endpoint and path and keeping the proxy's SigV4
/// credential; the secret access key is never returned by any operation.
/// </summary>
internal sealed class CustomKeyStore(string id, string name, string type, DateTimeOffset creationDate)
{
    public const string External = "EXTERNAL_KEY_STORE";
    public const string CloudHsm = "AWS_CLOUDHSM";

    public string Id { get; } = id;
    public string Name { get; set; } = name;
    public string Type { get; } = type;
    public DateTimeOffset CreationDate { get; } = creationDate;

    /// <summary>CONNECTED, CONNECTING, FAILED, DISCONNECTED or DISCONNECTING; a new store is DISCONNECTED.</summary>
    public string ConnectionState { get; set; } = "DISCONNECTED";

    public string? ConnectionErrorCode { get; set; }

    public string? XksUriEndpoint { get; set; }
    public string? XksUriPath { get; set; }
    public string? XksConnectivity { get; set; }
    public string? XksAccessKeyId { get; set; }

    /// <summary>The proxy credential's secret: kept to sign requests to the proxy, never answered.</summary>
    public string? XksRawSecretAccessKey { get; set; }
}
