namespace KmsLab.Hosting;

/// <summary>What a host sends back for one request: the simulator's answer, exactly as AWS KMS would send it.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="ContentType">The <c>Content-Type</c> header (<c>application/x-amz-json-1.1</c> for KMS).</param>
/// <param name="Body">The response body.</param>
/// <param name="RequestId">The <c>x-amzn-RequestId</c> header every KMS response carries.</param>
public readonly record struct EndpointResponse(int StatusCode, string ContentType, ReadOnlyMemory<byte> Body, string RequestId)
{
    /// <summary>The name of the response header that carries <see cref="RequestId"/>.</summary>
    public const string RequestIdHeader = "x-amzn-RequestId";
}
