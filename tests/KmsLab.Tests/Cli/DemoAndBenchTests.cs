using KmsLab.Cli;

namespace KmsLab.Tests.Cli;

public class DemoAndBenchTests
{
    [Fact]
    public async Task The_demo_walks_every_step_and_shows_the_4097_byte_refusal()
    {
        var output = new StringWriter();
        int exit = await Demo.RunAsync(output);
        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("alias/kmslab-demo", text);
        Assert.Contains("InvalidCiphertextException", text);
        Assert.Contains("1 rotation(s)", text);
        Assert.Contains("still decrypts", text);
        Assert.Contains("32 bytes", text);
        Assert.Contains("Member must have length less than or equal to 4096", text);
    }

    [Fact]
    public async Task The_bench_measures_all_three_operations_on_both_targets()
    {
        var results = await Bench.MeasureAsync(TimeSpan.FromMilliseconds(40), CancellationToken.None, warmUp: TimeSpan.FromMilliseconds(20));
        Assert.Equal(["Encrypt", "Decrypt", "GenerateDataKey"], results.Select(r => r.Operation));
        Assert.All(results, r => Assert.True(r.SimulatorPerSecond > 0 && r.FloorPerSecond > 0));
    }
}
