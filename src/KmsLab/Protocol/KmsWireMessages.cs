namespace KmsLab.Protocol;

/// <summary>An HTTP request as the protocol adapter sees it, whoever carried it (in-process handler or Kestrel).</summary>
/// Headers are read through a lookup so that a carrier pays only for the few headers KMS reads.
/// <see cref="Host"/> is the authority the request was sent to (used when no Host header is present,
/// as with HttpClient in process); <see cref="SourceIp"/> is the caller's address for the audit trail;
/// <see cref="Service"/> is set only by the in-process carrier of a service principal's client.
internal readonly record struct KmsWireRequest(
    string Method,
    string Path,
    Func<string, string?> Header,
    ReadOnlyMemory<byte> Body,
    string? Query = null,
    string? Host = null,
    string SourceIp = "127.0.0.1",
    string? SourceVpce = null,
    Simulation.Identity.ServiceCaller? Service = null);

/// <summary>An HTTP response from the protocol adapter.</summary>
internal readonly record struct KmsWireResponse(int StatusCode, byte[] Body, string RequestId, string MediaType = KmsWireResponse.ContentType)
{
    public const string ContentType = "application/x-amz-json-1.1";

    /// <summary>The media type of STS (AWS Query protocol) responses.</summary>
    public const string XmlContentType = "text/xml";
}
