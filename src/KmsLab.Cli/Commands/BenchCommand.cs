using System.CommandLine;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab bench</c>: the simulator's per-call cost beside the SDK's own floor; with
/// <c>--http</c> (or <c>--endpoint-url</c>), kmslab serve against moto's server over loopback HTTP.
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
        var command = new Command("bench", "Calls per second through the SDK client: Encrypt, Decrypt and GenerateDataKey on the simulator vs a do-nothing handler (the SDK's floor); with --http, Encrypt and Decrypt on kmslab serve vs moto's server over loopback.")
        {
            seconds, http, endpoint, motoUrl, noMoto, concurrency,
        };
        command.Validators.Add(result =>
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (!Given(http) && !Given(endpoint) && (Given(motoUrl) || Given(noMoto) || Given(concurrency)))
            {
                result.AddError("--moto-url, --no-moto and --concurrency go with --http (or --endpoint-url).");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var perOperation = TimeSpan.FromSeconds(parse.GetValue(seconds));
            var url = parse.GetValue(endpoint);
            if (!parse.GetValue(http) && url is null) return await Bench.RunAsync(Console.Out, perOperation, cancellationToken);
            var options = new EndpointBenchOptions(url is null ? null : new Uri(url), parse.GetValue(motoUrl), !parse.GetValue(noMoto), parse.GetValue(concurrency), perOperation, TimeSpan.FromSeconds(1));
            return await EndpointBench.RunAsync(Console.Out, Console.Error, options, cancellationToken);
        });
        return command;
    }
}
