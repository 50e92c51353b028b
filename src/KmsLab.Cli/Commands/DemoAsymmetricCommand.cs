using System.CommandLine;

namespace KmsLab.Cli.Commands;

/// <summary><c>kmslab demo-asymmetric</c>: signing keys and imported key material on the simulator.</summary>
internal static class DemoAsymmetricCommand
{
    public static Command Create()
    {
        var command = new Command("demo-asymmetric", "Walk through signing and verifying with asymmetric keys (in KMS and outside it) and importing your own key material, with its expiry on the simulated clock.");
        command.SetAction(async (_, cancellationToken) => await DemoAsymmetric.RunAsync(Console.Out, cancellationToken));
        return command;
    }
}
