using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using KmsLab.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace KmsLab.Cli.Serve;

/// <summary>
/// The Kestrel set-up every kmslab server shares (<see cref="KmsServer"/>, <see cref="XksProxyServer"/>):
/// HTTP/1.1 on one address, tight request limits, no logging, a lifetime the caller controls; and
/// the two ends of a request: its whole body read (or the answer when it cannot be) and an
/// <see cref="EndpointResponse"/> written back.
/// </summary>
internal static class LoopbackKestrel
{
    /// <summary>Starts a server on <paramref name="host"/>:<paramref name="port"/> (0 picks a free port) that hands every request to <paramref name="handle"/>.</summary>
    /// <returns>The started application and the address clients use, with the port actually bound.</returns>
    /// <exception cref="IOException">The address cannot be bound (e.g. the port is in use).</exception>
    public static async Task<(WebApplication App, Uri Endpoint)> StartAsync(IPAddress host, int port, long maxRequestBodyBytes, RequestDelegate handle, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 100;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
            kestrel.Listen(host, port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.None));
        // The host would take SIGINT/SIGTERM for itself and stop Kestrel behind our back; whoever
        // starts the server (a command, a test) decides when it stops.
        builder.Services.AddSingleton<IHostLifetime, CallerControlledLifetime>();
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new Uri(address).Port;
        var shown = host.Equals(IPAddress.Any) ? "127.0.0.1" : host.Equals(IPAddress.IPv6Any) ? "[::1]" : host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();
        return (app, new Uri($"http://{shown}:{bound}/"));
    }

    /// <summary>Stops accepting connections, lets requests in flight finish (bounded to 5 seconds), then stops.</summary>
    public static async Task StopAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(5));
        await app.StopAsync(bounded.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// The request's whole body; or null once the request has been answered or dropped: with
    /// <paramref name="tooLarge"/> for a body over the limit, <paramref name="unreadable"/> for one that
    /// broke the framing or came too slowly, nothing if the client went away.
    /// </summary>
    public static async Task<byte[]?> ReadBodyOrAnswerAsync(HttpContext context, Func<EndpointResponse> tooLarge, Func<int, string, EndpointResponse> unreadable)
    {
        try
        {
            return await ReadBodyAsync(context.Request.BodyReader, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteAsync(context, tooLarge(), closeConnection: true).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Nothing more can be read on this connection.
            await WriteAsync(context, unreadable(e.StatusCode, e.Message), closeConnection: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            context.Abort(); // the client went away mid-request; nobody is left to answer
        }
        return null;
    }

    /// <summary>The request as the library's endpoints take it.</summary>
    public static EndpointRequest ToEndpointRequest(HttpContext context, byte[] body)
    {
        var request = context.Request;
        var headers = request.Headers;
        return new EndpointRequest(request.Method, request.Path.HasValue ? request.Path.Value! : "/",
            name => headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null, body,
            request.QueryString.Value, request.Host.Value, context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1");
    }

    /// <summary>Writes <paramref name="wire"/> as the response (with its request ID header when it has one).</summary>
    public static async Task WriteAsync(HttpContext context, EndpointResponse wire, bool closeConnection)
    {
        var response = context.Response;
        response.StatusCode = wire.StatusCode;
        response.ContentType = wire.ContentType;
        response.ContentLength = wire.Body.Length;
        if (wire.RequestId.Length > 0) response.Headers[EndpointResponse.RequestIdHeader] = wire.RequestId;
        if (closeConnection) response.Headers.Connection = "close";
        try
        {
            await response.Body.WriteAsync(wire.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            context.Abort(); // the client left before its answer
        }
    }

    private static async Task<byte[]> ReadBodyAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                var body = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return body;
            }
            if (result.IsCanceled) throw new OperationCanceledException("The body read was cancelled.");
            // Examined everything, consumed nothing: the next read waits for more data (Kestrel enforces the size limit).
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private sealed class CallerControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
