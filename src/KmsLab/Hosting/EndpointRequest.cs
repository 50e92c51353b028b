namespace KmsLab.Hosting;

/// <summary>
/// One HTTP request as a host received it (a web server, a test), for <see cref="SimulatorEndpoint.Handle"/>.
/// Headers are read through <see cref="Header"/> so that a host pays only for the few headers KMS reads.
/// </summary>
/// <param name="Method">The HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">The request path, e.g. <c>/</c>.</param>
/// <param name="Header">Looks up a request header by name (case-insensitive, as HTTP says); null when absent. Repeated headers come joined with commas.</param>
/// <param name="Body">The whole request body.</param>
/// <param name="Query">The query string with its leading <c>?</c>, if any.</param>
/// <param name="Host">The authority the request was sent to, used when the request has no <c>Host</c> header.</param>
/// <param name="SourceIp">The caller's IP address, for the audit trail's <c>sourceIPAddress</c> and the <c>aws:SourceIp</c> condition key.</param>
/// <param name="SourceVpce">The simulated VPC endpoint the request came through (<c>aws:SourceVpce</c>; <c>aws:SourceIp</c> is then absent, as in AWS), or null; <see cref="SimulatorEndpoint.VpcEndpointId"/> sets it for a whole endpoint.</param>
public readonly record struct EndpointRequest(
    string Method,
    string Path,
    Func<string, string?> Header,
    ReadOnlyMemory<byte> Body,
    string? Query = null,
    string? Host = null,
    string SourceIp = "127.0.0.1",
    string? SourceVpce = null);
