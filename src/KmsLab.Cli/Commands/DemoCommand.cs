using System.CommandLine;

namespace KmsLab.Cli.Commands;

/// <summary><c>kmslab demo</c>: the course's opening demo on the simulator.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Walk through creating a CMK, encrypting, re-encrypting, rotating and data keys on the simulator.");
        command.SetAction(async (_, cancellationToken) => await Demo.RunAsync(Console.Out, cancellationToken));
        return command;
    }
}
