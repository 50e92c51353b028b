using System.CommandLine;
using KmsLab.Cli.Commands;

namespace KmsLab.Cli;

/// <summary>The <c>kmslab</c> command: one subcommand per class in Commands/.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => InvokeAsync(CreateRootCommand().Parse(args));

    /// <summary>The whole command line: every command, with the options they share declared once (<see cref="CommonOptions"/>).</summary>
    internal static RootCommand CreateRootCommand() =>
        new("KmsLab: learn AWS KMS by doing, on a faithful simulator or on real AWS.")
        {
            DemoCommand.Create(),
            DemoAsymmetricCommand.Create(),
            DemoMultiRegionCommand.Create(),
            BenchCommand.Create(),
            ServeCommand.Create(),
            EncryptCommand.Create(),
            DecryptCommand.Create(),
            EnvelopeBenchCommand.Create(),
            RunCommand.Create(),
            LessonsCommand.Create(),
            KernelCommand.Create(),
            CleanupCommand.Create(),
            LabSetupCommand.Create(),
        };

    /// <summary>Runs the command; a command line that does not parse is a usage error (<see cref="ExitCodes.Usage"/>), as for every command's own checks.</summary>
    internal static async Task<int> InvokeAsync(ParseResult parse)
    {
        int code = await parse.InvokeAsync();
        return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
    }
}
