using System.CommandLine;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab bench</c>: the simulator's per-call cost beside the SDK's own floor; with
/// <c>--http</c> (or <c>--endpoint-url</c>), kmslab serve against moto's server over loopback HTTP;
/// with <c>--state</c>, kmslab serve with a state file beside the in-memory server.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per operation and target, in seconds.", DefaultValueFactory = _ => 2.0 };
        var http = new Option<bool>("--http") { Description = "Measure kmslab serve over loopback HTTP against moto's server: a kmslab serve started in this process, or the running one at --endpoint-url." };
        var endpoint = CommonOptions.EndpointUrl;
        var motoUrl = new Option<Uri?>("--moto-url") { Description = "With --http: compare with this running moto server instead of starting python3 -m moto.server." };
        var noMoto = new Option<bool>("--no-moto") { Description = "With --http: measure kmslab serve alone." };
        var concurrency = new Option<int>("--concurrency") { Description = "With --http: calls in flight at once, per target (1 measures one client calling in sequence).", DefaultValueFactory = _ => 8 };
        concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--concurrency must be between 1 and 256.");
        });
        seconds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or > 3600) r.AddError("--seconds must be more than 0 and at most 3600.");
        });
        var state = new Option<bool>("--state") { Description = "Measure kmslab serve with a state file beside the in-memory server: CreateKey and Encrypt latency (p50, p99) at each --keys size, then --clients clients for --seconds (default 30) on a mixed workload." };
        var keys = new Option<int[]>("--keys")
        {
            Description = "With --state: the world sizes (keys) to measure at, e.g. --keys 100 10000.",
            DefaultValueFactory = _ => [100, 10_000],
            AllowMultipleArgumentsPerToken = true,
        };
        var samples = new Option<int>("--samples") { Description = "With --state: timed calls per operation and size.", DefaultValueFactory = _ => 200 };
        var clients = new Option<int>("--clients") { Description = "With --state: clients in the mixed run.", DefaultValueFactory = _ => 32 };
        keys.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int[]>() is not { Length: > 0 } k || k.Any(n => n < 1 || n > 1_000_000)) r.AddError("--keys takes one or more sizes between 1 and 1,000,000.");
        });
        samples.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100_000) r.AddError("--samples must be between 1 and 100,000.");
        });
        clients.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--clients must be between 1 and 256.");
        });
        var command = new Command("bench", "Calls per second through the SDK client: Encrypt, Decrypt and GenerateDataKey on the simulator vs a do-nothing handler (the SDK's floor); with --http, Encrypt and Decrypt on kmslab serve vs moto's server over loopback.")
        {
            seconds, http, endpoint, motoUrl, noMoto, concurrency, state, keys, samples, clients,
        };
        command.Validators.Add(result =>
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (!Given(http) && !Given(endpoint) && (Given(motoUrl) || Given(noMoto) || Given(concurrency)))
            {
                result.AddError("--moto-url, --no-moto and --concurrency go with --http (or --endpoint-url).");
            }
            if (!Given(state) && (Given(keys) || Given(samples) || Given(clients))) result.AddError("--keys, --samples and --clients go with --state.");
            if (Given(state) && (Given(http) || Given(endpoint))) result.AddError("--state measures servers it starts itself: not with --http or --endpoint-url.");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(state))
            {
                var mixedFor = TimeSpan.FromSeconds(parse.GetResult(seconds) is { Implicit: false } ? parse.GetValue(seconds) : 30);
                var sizes = parse.GetValue(keys)!.Distinct().Order().ToArray();
                return await StateBench.RunAsync(Console.Out, new StateBenchOptions(sizes, parse.GetValue(samples), parse.GetValue(clients), mixedFor), cancellationToken);
            }
            var perOperation = TimeSpan.FromSeconds(parse.GetValue(seconds));
            var url = parse.GetValue(endpoint);
            if (!parse.GetValue(http) && url is null) return await Bench.RunAsync(Console.Out, perOperation, cancellationToken);
            var options = new EndpointBenchOptions(url is null ? null : new Uri(url), parse.GetValue(motoUrl), !parse.GetValue(noMoto), parse.GetValue(concurrency), perOperation, TimeSpan.FromSeconds(1));
            return await EndpointBench.RunAsync(Console.Out, Console.Error, options, cancellationToken);
        });
        return command;
    }
}
