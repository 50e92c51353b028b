using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using KmsLab.Hosting;

namespace KmsLab.Cli.Serve;

/// <summary>Where and how <see cref="KmsServer"/> listens.</summary>
internal sealed record KmsServerOptions
{
    /// <summary>The documented default port of <c>kmslab serve</c> (LocalStack has 4566; 5000 is ASP.NET's and macOS AirPlay's).</summary>
    public const int DefaultPort = 4599;

    /// <summary>The interface to listen on: loopback unless told otherwise.</summary>
    public IPAddress Host { get; init; } = IPAddress.Loopback;

    /// <summary>The TCP port; 0 picks a free one (read it back from <see cref="KmsServer.Endpoint"/>).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Keeps the lab durable in this state file (its <see cref="LabStateFile.Lab"/> must be the lab served); null keeps it in memory only.</summary>
    public LabStateFile? State { get; init; }

    /// <summary>Where to report failures the server survives (a state file that cannot be written...).</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>
/// The simulator as a network KMS endpoint: Kestrel carries each HTTP request to the same
/// protocol adapter (through <see cref="SimulatorEndpoint"/>) the in-process clients use, so the aws CLI, boto3 and every
/// SDK see the KMS the notebooks see. With a state store, a response that reports a change is
/// sent only after the change is in the state file.
/// </summary>
internal sealed class KmsServer : IAsyncDisposable
{
    /// <summary>The largest request body accepted; larger ones get a 413 in KMS's error shape.</summary>
    public const int MaxRequestBodyBytes = SimulatorEndpoint.MaxRequestBodyBytes;

    private readonly WebApplication _app;
    private readonly SimulatorEndpoint _endpoint;
    private readonly LabStateFile? _state;
    private readonly TextWriter? _log;

    private KmsServer(WebApplication app, SimulatorEndpoint endpoint, LabStateFile? state, TextWriter? log, Uri address)
    {
        _app = app;
        _endpoint = endpoint;
        _state = state;
        _log = log;
        Endpoint = address;
    }

    /// <summary>The lab being served.</summary>
    public Lab Lab => _endpoint.Lab;

    /// <summary>The address clients use, with the port actually bound (e.g. <c>http://127.0.0.1:4599/</c>).</summary>
    public Uri Endpoint { get; }

    public static async Task<KmsServer> StartAsync(Lab lab, KmsServerOptions options, CancellationToken cancellationToken = default)
    {
        if (options.State is { } state && !ReferenceEquals(state.Lab, lab)) throw new ArgumentException("The state file keeps another lab than the one to serve.", nameof(options));
        var endpoint = new SimulatorEndpoint(lab);
        if (options.Log is { } log) endpoint.Log = log;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 100;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
            kestrel.Listen(options.Host, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.None));
        // The host would take SIGINT/SIGTERM for itself and stop Kestrel behind our back; whoever
        // starts the server (the serve command, a test) decides when it stops.
        builder.Services.AddSingleton<IHostLifetime, CallerControlledLifetime>();
        var app = builder.Build();
        KmsServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var host = options.Host.Equals(IPAddress.Any) ? "127.0.0.1" : options.Host.Equals(IPAddress.IPv6Any) ? "[::1]" : options.Host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{options.Host}]" : options.Host.ToString();
        server = new KmsServer(app, endpoint, options.State, options.Log, new Uri($"http://{host}:{port}/"));
        return server;
    }

    /// <summary>Stops accepting connections, lets requests in flight finish (bounded), then stops.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(5));
        await _app.StopAsync(bounded.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        byte[] body;
        try
        {
            body = await ReadBodyAsync(request.BodyReader, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteAsync(context, _endpoint.RequestTooLarge(), closeConnection: true).ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException e)
        {
            // A body that broke the framing or came too slowly (408): nothing more can be read on this connection.
            await WriteAsync(context, _endpoint.Unreadable(e.StatusCode, e.Message), closeConnection: true).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            context.Abort(); // the client went away mid-request; nobody is left to answer
            return;
        }

        var headers = request.Headers;
        EndpointResponse wire;
        try
        {
            wire = _endpoint.Handle(new EndpointRequest(request.Method, request.Path.HasValue ? request.Path.Value! : "/",
                name => headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null, body,
                request.QueryString.Value, request.Host.Value, context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1"));
        }
        catch (Exception e)
        {
            // A simulator bug must cost one request, not the server: answer as KMS answers its own failures.
            _log?.WriteLine($"kmslab serve: internal error: {e}");
            wire = _endpoint.InternalError($"The simulator failed: {e.GetType().Name}: {e.Message}");
        }

        if (_state is not null && _state.MustCommitAfter(headers["X-Amz-Target"].ToString()))
        {
            try
            {
                await _state.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _log?.WriteLine($"kmslab serve: could not write the state file {_state.Path}: {e.Message}");
                wire = _endpoint.InternalError($"The simulator could not save its state to its state file ({e.Message}); the change may not survive a restart.");
            }
        }
        await WriteAsync(context, wire, closeConnection: false).ConfigureAwait(false);
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

    private static async Task WriteAsync(HttpContext context, EndpointResponse wire, bool closeConnection)
    {
        var response = context.Response;
        response.StatusCode = wire.StatusCode;
        response.ContentType = wire.ContentType;
        response.ContentLength = wire.Body.Length;
        response.Headers[EndpointResponse.RequestIdHeader] = wire.RequestId;
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

    private sealed class CallerControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
