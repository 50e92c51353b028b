using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        KmsServer? server = null;
        var (app, address) = await LoopbackKestrel.StartAsync(options.Host, options.Port, MaxRequestBodyBytes, context => server!.HandleAsync(context), cancellationToken).ConfigureAwait(false);
        server = new KmsServer(app, endpoint, options.State, options.Log, address);
        return server;
    }

    /// <summary>Stops accepting connections, lets requests in flight finish (bounded), then stops.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => LoopbackKestrel.StopAsync(_app, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await LoopbackKestrel.ReadBodyOrAnswerAsync(context, _endpoint.RequestTooLarge, _endpoint.Unreadable).ConfigureAwait(false);
        if (body is null) return;

        EndpointResponse wire;
        try
        {
            wire = _endpoint.Handle(LoopbackKestrel.ToEndpointRequest(context, body));
        }
        catch (Exception e)
        {
            // A simulator bug must cost one request, not the server: answer as KMS answers its own failures.
            _log?.WriteLine($"kmslab serve: internal error: {e}");
            wire = _endpoint.InternalError($"The simulator failed: {e.GetType().Name}: {e.Message}");
        }

        if (_state is not null && _state.MustCommitAfter(context.Request.Headers["X-Amz-Target"].ToString()))
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
        await LoopbackKestrel.WriteAsync(context, wire, closeConnection: false).ConfigureAwait(false);
    }
}
