namespace KmsLab.Protocol;

/// <summary>An HTTP request as the protocol adapter sees it, whoever carried it (in-process handler or Kestrel).</summary>
/// Headers are read through a lookup so that a carrier pays only for the few headers KMS reads.
internal sealed record KmsWireRequest(
    string Method,
    string Path,
    Func<string, string?> Header,
    ReadOnlyMemory<byte> Body);

/// <summary>An HTTP response from the protocol adapter.</summary>
internal sealed record KmsWireResponse(int StatusCode, byte[] Body, string RequestId)
{
    public const string ContentType = "application/x-amz-json-1.1";
}
