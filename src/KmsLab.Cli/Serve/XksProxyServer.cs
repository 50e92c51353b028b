using System.Net;
using KmsLab.Hosting;
using KmsLab.Xks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KmsLab.Cli.Serve;

/// <summary>
/// <c>kmslab xks-proxy</c>'s network side: Kestrel (set up as <c>kmslab serve</c>'s, <see cref="LoopbackKestrel"/>)
/// carries each HTTP request to <see cref="XksProxy.Handle"/>. Plain HTTP on loopback: real KMS
/// reaches a proxy over HTTPS only, which a lab on one machine does not need.
/// </summary>
internal sealed class XksProxyServer : IAsyncDisposable
{
    /// <summary>The default port of <c>kmslab xks-proxy</c>, next to <c>kmslab serve</c>'s 4599.</summary>
    public const int DefaultPort = 4600;

    private readonly WebApplication _app;
    private readonly XksProxy _proxy;
    private readonly TextWriter? _log;

    private XksProxyServer(WebApplication app, XksProxy proxy, TextWriter? log, Uri endpoint)
    {
        _app = app;
        _proxy = proxy;
        _log = log;
        Endpoint = endpoint;
    }

    /// <summary>The address KMS uses (<c>XksProxyUriEndpoint</c>), with the port actually bound, e.g. <c>http://127.0.0.1:4600/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>The proxy being served.</summary>
    public XksProxy Proxy => _proxy;

    /// <summary>Starts serving <paramref name="proxy"/> on <paramref name="host"/>:<paramref name="port"/> (0 picks a free port).</summary>
    /// <exception cref="IOException">The address cannot be bound.</exception>
    public static async Task<XksProxyServer> StartAsync(XksProxy proxy, IPAddress host, int port, TextWriter? log, CancellationToken cancellationToken = default)
    {
        XksProxyServer? server = null;
        var (app, endpoint) = await LoopbackKestrel.StartAsync(host, port, XksProxy.MaxRequestBodyBytes, context => server!.HandleAsync(context), cancellationToken).ConfigureAwait(false);
        server = new XksProxyServer(app, proxy, log, endpoint);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await LoopbackKestrel.StopAsync(_app).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await LoopbackKestrel.ReadBodyOrAnswerAsync(context, _proxy.RequestTooLarge, (_, reason) => _proxy.Unreadable(reason)).ConfigureAwait(false);
        if (body is null) return;
        EndpointResponse wire;
        try
        {
            wire = _proxy.Handle(LoopbackKestrel.ToEndpointRequest(context, body));
        }
        catch (Exception e)
        {
            // A proxy bug must cost one request, not the server: the specification's InternalException.
            _log?.WriteLine($"kmslab xks-proxy: internal error: {e}");
            wire = _proxy.InternalError($"The proxy failed: {e.GetType().Name}.");
        }
        await LoopbackKestrel.WriteAsync(context, wire, closeConnection: false).ConfigureAwait(false);
    }
}
