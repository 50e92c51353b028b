using System.Diagnostics;
using System.Globalization;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Serve;
using KmsLab.Hosting;

namespace KmsLab.Cli;

/// <summary>What <c>kmslab bench --state</c> measures.</summary>
/// <param name="KeyCounts">The world sizes (keys in the account) at which CreateKey and Encrypt latency are measured, smallest first.</param>
/// <param name="Samples">Calls timed per operation and size (one client, in sequence).</param>
/// <param name="Clients">Clients calling at once in the mixed run.</param>
/// <param name="MixedFor">How long the mixed run lasts.</param>
internal sealed record StateBenchOptions(IReadOnlyList<int> KeyCounts, int Samples, int Clients, TimeSpan MixedFor);

/// <summary>
/// <c>kmslab serve</c> with <c>--state</c> beside the in-memory server, in one run, over loopback
/// HTTP with the official SDK client: CreateKey and Encrypt latency (p50, p99) as the world grows,
/// then many clients on a mixed workload (calls per second, latency, errors).
/// </summary>
internal static class StateBench
{
    internal sealed record Latency(double P50Ms, double P99Ms);

    internal sealed record SizeResult(string Target, int Keys, Latency CreateKey, Latency Encrypt);

    internal sealed record MixedResult(string Target, double CallsPerSecond, Latency Latency, long Errors);

    public static async Task<int> RunAsync(TextWriter output, StateBenchOptions options, CancellationToken cancellationToken = default)
    {
        var (sizes, mixed) = await MeasureAsync(options, output, cancellationToken);
        output.WriteLine();
        output.WriteLine($"{"target",-8} {"keys",7} {"CreateKey p50",14} {"p99",9} {"Encrypt p50",12} {"p99",9}");
        foreach (var r in sizes)
        {
            output.WriteLine($"{r.Target,-8} {r.Keys,7:N0} {r.CreateKey.P50Ms,11:F2} ms {r.CreateKey.P99Ms,6:F2} ms {r.Encrypt.P50Ms,9:F2} ms {r.Encrypt.P99Ms,6:F2} ms");
        }
        foreach (var target in sizes.Select(r => r.Target).Distinct())
        {
            var own = sizes.Where(r => r.Target == target).ToList();
            if (own.Count > 1 && own[0].CreateKey.P50Ms > 0)
            {
                output.WriteLine($"{target}: CreateKey p50 at {own[^1].Keys:N0} keys is {own[^1].CreateKey.P50Ms / own[0].CreateKey.P50Ms:F2}x its p50 at {own[0].Keys:N0}.");
            }
        }
        output.WriteLine();
        output.WriteLine($"Mixed workload, {options.Clients} clients for {options.MixedFor.TotalSeconds:0.##} s (Encrypt 40%, Decrypt 30%, DescribeKey 10%, CreateKey 10%, TagResource 10%):");
        output.WriteLine($"{"target",-8} {"calls/s",9} {"p50",9} {"p99",9} {"errors",7}");
        foreach (var m in mixed)
        {
            output.WriteLine($"{m.Target,-8} {m.CallsPerSecond,9:N0} {m.Latency.P50Ms,6:F2} ms {m.Latency.P99Ms,6:F2} ms {m.Errors,7}");
        }
        return mixed.Any(m => m.Errors > 0) ? Commands.ExitCodes.Failed : Commands.ExitCodes.Success;
    }

    internal static async Task<(List<SizeResult> Sizes, List<MixedResult> Mixed)> MeasureAsync(StateBenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("kmslab-bench-").FullName;
        var sizes = new List<SizeResult>();
        var mixed = new List<MixedResult>();
        try
        {
            output.WriteLine($"KmsLab state bench — {Environment.ProcessorCount} cores, .NET SDK client over loopback HTTP, kmslab serve in this process; {options.Samples} timed calls per operation and size");
            foreach (var target in new[] { "memory", "state" })
            {
                using var state = target == "state" ? LabStateFile.Open(Path.Combine(folder, "bench.db")) : null;
                var lab = state?.Lab ?? Lab.Simulator();
                await using var server = await KmsServer.StartAsync(lab, new KmsServerOptions { Port = 0, State = state }, cancellationToken);
                using var kms = EndpointClients.Create(server.Endpoint, lab.GetCredentials(Lab.AdministratorName));
                var keys = new List<string>();
                foreach (var size in options.KeyCounts)
                {
                    // Filled to just below the size, then warmed up one call at a time as the timed calls run: the first
                    // size measured must not pay for JIT tiering and cold caches that later sizes no longer pay.
                    int warmUp = Math.Min(WarmUpCalls, size / 2);
                    await FillAsync(kms, keys, size - warmUp, cancellationToken);
                    for (int i = 0; i < warmUp; i++) keys.Add((await kms.CreateKeyAsync(new CreateKeyRequest { Description = "bench warm-up" }, cancellationToken)).KeyMetadata.KeyId);
                    for (int i = 0; i < warmUp; i++) await kms.EncryptAsync(new EncryptRequest { KeyId = keys[i % keys.Count], Plaintext = new MemoryStream(new byte[128]) }, cancellationToken);
                    output.WriteLine($"  {target}: {keys.Count:N0} keys{(state is null ? "" : $", state file {new FileInfo(state.Path).Length / 1024:N0} KiB")}");
                    var create = await TimeAsync(options.Samples, async () => keys.Add((await kms.CreateKeyAsync(new CreateKeyRequest(), cancellationToken)).KeyMetadata.KeyId));
                    var random = new Random(size);
                    var plaintext = new byte[128];
                    var encrypt = await TimeAsync(options.Samples, () => kms.EncryptAsync(new EncryptRequest { KeyId = keys[random.Next(keys.Count)], Plaintext = new MemoryStream(plaintext) }, cancellationToken));
                    sizes.Add(new SizeResult(target, size, create, encrypt));
                }
                mixed.Add(await MixedAsync(target, server.Endpoint, lab, keys, options, cancellationToken));
            }
            return (sizes, mixed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Untimed calls of each timed operation before a size is measured.</summary>
    private const int WarmUpCalls = 50;

    /// <summary>Creates keys until there are <paramref name="size"/>, eight calls in flight (untimed).</summary>
    private static async Task FillAsync(IAmazonKeyManagementService kms, List<string> keys, int size, CancellationToken cancellationToken)
    {
        int missing = size - keys.Count;
        if (missing <= 0) return;
        var made = new string[missing];
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < missing; i = Interlocked.Increment(ref next))
            {
                made[i] = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "bench filler" }, cancellationToken)).KeyMetadata.KeyId;
            }
        }, cancellationToken)));
        keys.AddRange(made);
    }

    private static async Task<Latency> TimeAsync(int samples, Func<Task> call)
    {
        var times = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await call();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return Percentiles(times);
    }

    internal static Latency Percentiles(double[] times)
    {
        if (times.Length == 0) return new Latency(0, 0);
        Array.Sort(times);
        double At(double q) => times[Math.Min(times.Length - 1, (int)Math.Ceiling(q * times.Length) - 1)];
        return new Latency(At(0.50), At(0.99));
    }

    private static async Task<MixedResult> MixedAsync(string target, Uri endpoint, Lab lab, List<string> keys, StateBenchOptions options, CancellationToken cancellationToken)
    {
        var all = new List<double>[options.Clients];
        long errors = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(c => Task.Run(async () =>
        {
            using var kms = EndpointClients.Create(endpoint, lab.GetCredentials(Lab.AdministratorName));
            var random = new Random(c);
            var own = new List<string>();
            var times = all[c] = [];
            var plaintext = new byte[64];
            byte[]? blob = null;
            while (watch.Elapsed < options.MixedFor)
            {
                var key = keys[random.Next(keys.Count)];
                int pick = random.Next(100);
                long start = Stopwatch.GetTimestamp();
                try
                {
                    if (pick < 40) blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(plaintext) }, cancellationToken)).CiphertextBlob.ToArray();
                    else if (pick < 70 && blob is not null) await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }, cancellationToken);
                    else if (pick < 80) await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }, cancellationToken);
                    else if (pick < 90) own.Add((await kms.CreateKeyAsync(new CreateKeyRequest { Description = $"mixed {c}" }, cancellationToken)).KeyMetadata.KeyId);
                    else await kms.TagResourceAsync(new TagResourceRequest { KeyId = own.Count > 0 ? own[random.Next(own.Count)] : key, Tags = [new Tag { TagKey = "n", TagValue = random.Next(1000).ToString(CultureInfo.InvariantCulture) }] }, cancellationToken);
                }
                catch (AmazonKeyManagementServiceException)
                {
                    Interlocked.Increment(ref errors);
                }
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }, cancellationToken)));
        var elapsed = watch.Elapsed.TotalSeconds;
        var every = all.SelectMany(t => t).ToArray();
        return new MixedResult(target, every.Length / elapsed, Percentiles(every), errors);
    }
}
