namespace KmsLab.Protocol;

/// <summary>An HTTP request as the protocol adapter sees it, whoever carried it (in-process handler or Kestrel).</summary>
internal sealed record KmsWireRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>An HTTP response from the protocol adapter.</summary>
internal sealed record KmsWireResponse(int StatusCode, byte[] Body, string RequestId)
{
    public const string ContentType = "application/x-amz-json-1.1";
}
