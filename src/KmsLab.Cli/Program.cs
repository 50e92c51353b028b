using System.CommandLine;
using System.CommandLine.Help;
using KmsLab.Cli.Commands;

namespace KmsLab.Cli;

/// <summary>The <c>kmslab</c> command: one subcommand per class in Commands/.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => InvokeAsync(CreateRootCommand().Parse(args));

    /// <summary>The command's name in every usage line, however it was started (the tool, <c>./kmslab</c>, <c>dotnet run</c>).</summary>
    internal const string CommandName = "kmslab";

    /// <summary>The whole command line: every command, with the options they share declared once (<see cref="CommonOptions"/>).</summary>
    /// <remarks>
    /// Not a <see cref="RootCommand"/>: System.CommandLine names that one after the running file
    /// (<see cref="RootCommand.ExecutableName"/>: <c>KmsLab.Cli</c>, the DLL that <c>dotnet</c> and the
    /// tool's shim start) and its name cannot be set. A command named <see cref="CommandName"/> with the
    /// help and version options a root command adds gives the same command line under the right name.
    /// </remarks>
    internal static Command CreateRootCommand() =>
        new(CommandName, "KmsLab: learn AWS KMS by doing, on a faithful simulator or on real AWS.")
        {
            new HelpOption(),
            new VersionOption(),
            DemoCommand.Create(),
            DemoAsymmetricCommand.Create(),
            DemoMultiRegionCommand.Create(),
            DemoExternalKeyStoreCommand.Create(),
            BenchCommand.Create(),
            ServeCommand.Create(),
            AuditCommand.Create(),
            XksProxyCommand.Create(),
            EncryptCommand.Create(),
            DecryptCommand.Create(),
            EnvelopeBenchCommand.Create(),
            RunCommand.Create(),
            LessonsCommand.Create(),
            KernelCommand.Create(),
            CleanupCommand.Create(),
            LabSetupCommand.Create(),
            CheckCommand.Create(),
            ExamCommand.Create(),
            ProgressCommand.Create(),
            ClassCommand.Create(),
        };

    /// <summary>Runs the command; a command line that does not parse is a usage error (<see cref="ExitCodes.Usage"/>), as for every command's own checks.</summary>
    internal static async Task<int> InvokeAsync(ParseResult parse)
    {
        int code = await parse.InvokeAsync();
        return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
    }
}
