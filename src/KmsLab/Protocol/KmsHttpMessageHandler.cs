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

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Handle(request, body);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = [];
        if (request.Content is not null)
        {
            using var stream = new MemoryStream();
            request.Content.CopyTo(stream, null, cancellationToken);
            body = stream.ToArray();
        }
        return Handle(request, body);
    }

    private HttpResponseMessage Handle(HttpRequestMessage request, byte[] body)
    {
        string? Header(string name) =>
            request.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString()
            : request.Content?.Headers.NonValidated.TryGetValues(name, out values) == true ? values.ToString()
            : null;
        var uri = request.RequestUri;
        var wire = adapter.Handle(new KmsWireRequest(request.Method.Method, uri?.AbsolutePath ?? "/", Header, body, uri?.Query, uri is null ? null : uri.IsDefaultPort ? uri.Host : uri.Authority));
        var content = new ByteArrayContent(wire.Body);
        content.Headers.ContentType = wire.MediaType == KmsWireResponse.ContentType ? JsonContentType : new MediaTypeHeaderValue(wire.MediaType);
        var response = new HttpResponseMessage((HttpStatusCode)wire.StatusCode) { Content = content, RequestMessage = request };
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", wire.RequestId);
        return response;
    }
}
