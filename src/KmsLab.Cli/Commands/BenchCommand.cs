using System.CommandLine;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab bench</c>: the simulator's per-call cost beside the SDK's own floor; with
/// <c>--endpoint</c>, kmslab serve against moto's server over loopback HTTP.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per operation and target, in seconds.", DefaultValueFactory = _ => 2.0 };
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = "Measure kmslab serve over loopback HTTP against moto's server. Alone, starts kmslab serve in this process; with a URL, measures that running kmslab serve.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var motoUrl = new Option<Uri?>("--moto-url") { Description = "With --endpoint: compare with this running moto server instead of starting python3 -m moto.server." };
        var noMoto = new Option<bool>("--no-moto") { Description = "With --endpoint: measure kmslab serve alone." };
        var concurrency = new Option<int>("--concurrency") { Description = "With --endpoint: calls in flight at once, per target (1 measures one client calling in sequence).", DefaultValueFactory = _ => 8 };
        concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--concurrency must be between 1 and 256.");
        });
        seconds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or > 3600) r.AddError("--seconds must be more than 0 and at most 3600.");
        });
        endpoint.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } url && !Uri.TryCreate(url, UriKind.Absolute, out _)) r.AddError($"--endpoint '{url}' is not a URL such as http://127.0.0.1:4599.");
        });
        var command = new Command("bench", "Calls per second through the SDK client: Encrypt, Decrypt and GenerateDataKey on the simulator vs a do-nothing handler (the SDK's floor); with --endpoint, Encrypt and Decrypt on kmslab serve vs moto's server over loopback.")
        {
            seconds, endpoint, motoUrl, noMoto, concurrency,
        };
        command.Validators.Add(result =>
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (!Given(endpoint) && (Given(motoUrl) || Given(noMoto) || Given(concurrency)))
            {
                result.AddError("--moto-url, --no-moto and --concurrency go with --endpoint.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var perOperation = TimeSpan.FromSeconds(parse.GetValue(seconds));
            if (parse.GetResult(endpoint) is not { Implicit: false }) return await Bench.RunAsync(Console.Out, perOperation, cancellationToken);
            var url = parse.GetValue(endpoint);
            var options = new EndpointBenchOptions(url is null ? null : new Uri(url), parse.GetValue(motoUrl), !parse.GetValue(noMoto), parse.GetValue(concurrency), perOperation, TimeSpan.FromSeconds(1));
            return await EndpointBench.RunAsync(Console.Out, Console.Error, options, cancellationToken);
        });
        return command;
    }
}
