using Amazon.KeyManagementService;
using KmsLab.Cli.Serve;
using KmsLab.Hosting;
using KmsLab.Persistence;

namespace KmsLab.Tests.Serve;

/// <summary>
/// <c>kmslab serve</c> in the test process: a Kestrel server on a free loopback port, optionally
/// keeping its world in a state file, and official SDK clients that reach it over HTTP.
/// </summary>
public sealed class ServedLab : IAsyncDisposable
{
    private readonly LabStateFile? _state;
    private readonly KmsServer _server;

    private ServedLab(Lab lab, KmsServer server, LabStateFile? state)
    {
        Lab = lab;
        _server = server;
        _state = state;
    }

    public Lab Lab { get; }

    public Uri Endpoint => _server.Endpoint;

    /// <summary>The endpoint as the aws CLI's --endpoint-url wants it: <c>http://127.0.0.1:PORT</c>.</summary>
    public string EndpointUrl => _server.Endpoint.GetLeftPart(UriPartial.Authority);

    internal DatabaseStateStore? Store => _state?.Store;

    /// <summary>Starts a server on a fresh lab, or on the lab saved in <paramref name="statePath"/> (created if missing).</summary>
    public static async Task<ServedLab> StartAsync(string? statePath = null, LabOptions? options = null)
    {
        var state = statePath is null ? null : LabStateFile.Open(statePath, options);
        var lab = state?.Lab ?? Lab.Simulator(options);
        var server = await KmsServer.StartAsync(lab, new KmsServerOptions { Port = 0, State = state });
        return new ServedLab(lab, server, state);
    }

    /// <summary>An SDK client that reaches the server over loopback HTTP as the lab's administrator.</summary>
    public IAmazonKeyManagementService CreateClient(string region = "us-east-1") => EndpointClients.Create(Endpoint, Lab.GetCredentials(Lab.AdministratorName), region);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _state?.Dispose();
    }
}
