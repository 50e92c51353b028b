using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using KmsLab.Hosting;

namespace KmsLab.Xks;

/// <summary>
/// Carries KMS's HTTP requests to an <see cref="XksProxy"/> in the same process, so that a lab (a
/// notebook, a test) can have an external key store without a server: give it to
/// <see cref="LabOptions.XksProxyHandler"/>. The requests are the real, signed ones, and the
/// proxy answers them as <c>kmslab xks-proxy</c> does over TCP. <see cref="Stopped"/> makes the
/// proxy unreachable, as a stopped proxy process is:
/// <code>
/// var keys = new XksKeyManager();
/// keys.CreateKey("payroll-key");
/// var proxy = new XksProxy(keys, XksCredential.Generate(RandomNumberGenerator.Create()), "/lab");
/// var link = new XksProxyHandler(proxy);
/// var lab = Lab.Simulator(new LabOptions { XksProxyHandler = link });
/// await lab.CreateKmsClient().CreateCustomKeyStoreAsync(link.CreateKeyStoreRequest("my-key-manager"));
/// </code>
/// </summary>
public sealed class XksProxyHandler(XksProxy proxy) : HttpMessageHandler
{
    /// <summary>The URI endpoint to give KMS (<c>XksProxyUriEndpoint</c>): any request the handler gets is for its proxy.</summary>
    public static readonly string Endpoint = string.Concat("http://", "127.0.0.1:4600");

    /// <summary>The proxy requests go to.</summary>
    public XksProxy Proxy { get; } = proxy ?? throw new ArgumentNullException(nameof(proxy));

    /// <summary>When true, every connection is refused, as by a proxy whose process is not running.</summary>
    public bool Stopped { get; set; }

    /// <summary>The CreateCustomKeyStore request of an external key store that reaches this proxy (public endpoint, the proxy's URI path and credential).</summary>
    public Amazon.KeyManagementService.Model.CreateCustomKeyStoreRequest CreateKeyStoreRequest(string name) => new()
    {
        CustomKeyStoreName = name,
        CustomKeyStoreType = Amazon.KeyManagementService.CustomKeyStoreType.EXTERNAL_KEY_STORE,
        XksProxyConnectivity = Amazon.KeyManagementService.XksProxyConnectivityType.PUBLIC_ENDPOINT,
        XksProxyUriEndpoint = Endpoint,
        XksProxyUriPath = Proxy.UriPath,
        XksProxyAuthenticationCredential = new Amazon.KeyManagementService.Model.XksProxyAuthenticationCredentialType
        {
            AccessKeyId = Proxy.Credential.AccessKeyId,
            RawSecretAccessKey = Proxy.Credential.RawSecretAccessKey,
        },
    };

    /// <summary>Answers one request with the proxy, or refuses the connection while <see cref="Stopped"/>.</summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Stopped)
        {
            var authority = request.RequestUri?.Authority ?? "the proxy";
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({authority})", new SocketException((int)SocketError.ConnectionRefused));
        }
        byte[] body = [];
        if (request.Content is { } content)
        {
            using var stream = new MemoryStream();
            content.CopyTo(stream, null, cancellationToken);
            body = stream.ToArray();
        }
        var uri = request.RequestUri;
        string? Header(string name)
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase)) return request.Headers.Host ?? uri?.Authority;
            if (request.Headers.TryGetValues(name, out var values)) return string.Join(",", values);
            return request.Content?.Headers.TryGetValues(name, out var contentValues) == true ? string.Join(",", contentValues) : null;
        }
        var answer = Proxy.Handle(new EndpointRequest(request.Method.Method, uri?.AbsolutePath ?? "/", Header, body, uri?.Query, uri?.Authority));
        var response = new HttpResponseMessage((HttpStatusCode)answer.StatusCode)
        {
            RequestMessage = request,
            Content = new ReadOnlyMemoryContent(answer.Body),
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(answer.ContentType);
        return response;
    }

    /// <inheritdoc cref="Send"/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(Send(request, cancellationToken));
        }
        catch (HttpRequestException e)
        {
            return Task.FromException<HttpResponseMessage>(e);
        }
    }
}
