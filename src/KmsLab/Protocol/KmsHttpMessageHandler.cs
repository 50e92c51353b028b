using System.Net;
using System.Net.Http.Headers;

namespace KmsLab.Protocol;

/// <summary>
/// Carries the SDK's real HTTP requests to the protocol adapter in process: no socket, no network.
/// The SDK client reaches it through <c>ClientConfig.HttpClientFactory</c>.
/// </summary>
internal sealed class KmsHttpMessageHandler(KmsProtocolAdapter adapter) : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue JsonContentType = new(KmsWireResponse.ContentType);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The SDK's content is already in memory: read it synchronously, without HttpContent's
        // buffering machinery. Any other content is read the general way.
        if (request.Content is null or ReadOnlyMemoryContent or ByteArrayContent)
            return Task.FromResult(Send(request, cancellationToken));
        return SendBufferedAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendBufferedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Handle(request, body);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = [];
        if (request.Content is { } content)
        {
            // In-memory content (re-readable) goes straight into an array of its declared length;
            // anything else, or content of another length, is read the general way.
            if (content is ReadOnlyMemoryContent or ByteArrayContent
                && content.Headers.ContentLength is long length && length <= KmsProtocolAdapter.MaxBodyBytes)
            {
                var exact = new byte[length];
                using var target = new MemoryStream(exact, writable: true);
                try
                {
                    content.CopyTo(target, null, cancellationToken);
                    if (target.Position == length) return Handle(request, exact);
                }
                catch (NotSupportedException)
                {
                    // Longer than declared: the fixed-size stream cannot grow.
                }
            }
            using var stream = new MemoryStream();
            content.CopyTo(stream, null, cancellationToken);
            body = stream.ToArray();
        }
        return Handle(request, body);
    }

    private HttpResponseMessage Handle(HttpRequestMessage request, byte[] body)
    {
        var headers = HeaderSnapshot.Of(request);
        var uri = request.RequestUri;
        var wire = adapter.Handle(new KmsWireRequest(request.Method.Method, uri?.AbsolutePath ?? "/", headers.Get, body, uri?.Query, uri is null ? null : uri.IsDefaultPort ? uri.Host : uri.Authority));
        var content = new ByteArrayContent(wire.Body);
        content.Headers.ContentType = wire.MediaType == KmsWireResponse.ContentType ? JsonContentType : new MediaTypeHeaderValue(wire.MediaType);
        var response = new HttpResponseMessage((HttpStatusCode)wire.StatusCode) { Content = content, RequestMessage = request };
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", wire.RequestId);
        return response;
    }
}
