using System.CommandLine;

namespace KmsLab.Cli.Commands;

/// <summary><c>kmslab bench</c>: the simulator's per-call cost beside the SDK's own floor.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per operation and target, in seconds.", DefaultValueFactory = _ => 2.0 };
        var command = new Command("bench", "Calls per second for Encrypt, Decrypt and GenerateDataKey through the SDK client: simulator vs a do-nothing handler (the SDK's floor).") { seconds };
        command.SetAction(async (parse, cancellationToken) => await Bench.RunAsync(Console.Out, TimeSpan.FromSeconds(parse.GetValue(seconds)), cancellationToken));
        return command;
    }
}
