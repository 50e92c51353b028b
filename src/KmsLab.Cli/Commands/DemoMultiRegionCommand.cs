using System.CommandLine;

namespace KmsLab.Cli.Commands;

/// <summary><c>kmslab demo-multi-region</c>: a multi-Region key across us-east-1 and eu-west-1 on the simulator.</summary>
internal static class DemoMultiRegionCommand
{
    public static Command Create()
    {
        var command = new Command("demo-multi-region", "Walk through a multi-Region key: encrypt in us-east-1, replicate the key to eu-west-1, decrypt there, rotate on the primary and see the new key material in both Regions.");
        command.SetAction(async (_, cancellationToken) => await DemoMultiRegion.RunAsync(Console.Out, cancellationToken));
        return command;
    }
}
