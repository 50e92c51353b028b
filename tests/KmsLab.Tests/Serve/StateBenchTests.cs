using KmsLab.Cli;

namespace KmsLab.Tests.Serve;

/// <summary><c>kmslab bench --state</c>: both servers measured at each size and in the mixed run, in one run (no timing assertions: the machine is shared).</summary>
public sealed class StateBenchTests
{
    [Fact]
    public async Task It_measures_the_state_file_server_beside_the_in_memory_one_at_each_size_and_under_mixed_load()
    {
        var output = new StringWriter();
        int exit = await StateBench.RunAsync(output, new StateBenchOptions([3, 12], Samples: 4, Clients: 3, MixedFor: TimeSpan.FromMilliseconds(300)));
        var text = output.ToString();
        Assert.True(exit == 0, text);
        foreach (var target in new[] { "memory", "state" })
        {
            Assert.Matches(@$"{target}\s+3\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+ ms", text);
            Assert.Matches(@$"{target}\s+12\s+[\d.]+ ms", text);
            Assert.Matches(@$"\n{target}\s+[\d,]+\s+[\d.]+ ms\s+[\d.]+ ms\s+0\r?\n", text);
            Assert.Contains($"{target}: CreateKey p50 at 12 keys is", text);
        }
    }

    [Fact]
    public void Percentiles_are_the_nearest_rank()
    {
        var latency = StateBench.Percentiles([.. Enumerable.Range(1, 100).Select(i => (double)i).Reverse()]);
        Assert.Equal(50, latency.P50Ms);
        Assert.Equal(99, latency.P99Ms);
    }
}
