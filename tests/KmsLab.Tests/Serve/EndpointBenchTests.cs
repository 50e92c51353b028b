using KmsLab.Cli;

namespace KmsLab.Tests.Serve;

/// <summary><c>kmslab bench --http</c>: both targets measured in one run (no timing assertions: the machine is shared).</summary>
public sealed class EndpointBenchTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    [SkippableFact]
    public async Task It_measures_kmslab_serve_and_a_moto_server_it_starts_in_one_run_and_prints_the_ratio()
    {
        ExternalClients.Require(KmsLab.Cli.PythonLocator.WithModule("moto") is not null, "python3 with moto (for python3 -m moto.server) is not installed");
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await EndpointBench.RunAsync(output, error, new EndpointBenchOptions(null, null, WithMoto: true, Concurrency: 2, Short, Short / 4));
        Assert.True(exit == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("moto server   http://127.0.0.1:", text);
        foreach (var operation in EndpointBench.OperationNames)
        {
            Assert.Matches(@$"{operation}\s+[\d,]+ c/s\s+[\d,]+ c/s\s+[\d.]+x", text);
        }
    }

    [Fact]
    public async Task It_can_measure_a_running_kmslab_serve_alone()
    {
        await using var served = await ServedLab.StartAsync();
        var results = await EndpointBench.MeasureAsync(new EndpointBenchOptions(served.Endpoint, null, WithMoto: false, Concurrency: 1, Short, Short / 4), TextWriter.Null, CancellationToken.None);
        Assert.Equal(EndpointBench.OperationNames, results.Select(r => r.Operation));
        Assert.All(results, r => Assert.True(r.KmsLabPerSecond > 0 && r.MotoPerSecond is null && r.Ratio is null));
    }

    [Fact]
    public async Task A_moto_url_where_nothing_listens_is_reported_not_thrown()
    {
        var error = new StringWriter();
        int exit = await EndpointBench.RunAsync(TextWriter.Null, error, new EndpointBenchOptions(null, new Uri("http://127.0.0.1:9/"), WithMoto: true, Concurrency: 1, Short, Short / 4));
        Assert.Equal(1, exit);
        Assert.Contains("moto did not answer", error.ToString());
    }
}
