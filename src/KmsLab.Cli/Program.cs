using System.CommandLine;
using KmsLab.Cli.Commands;

namespace KmsLab.Cli;

/// <summary>The <c>kmslab</c> command: one subcommand per class in Commands/.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand("KmsLab: learn AWS KMS by doing, on a faithful simulator or on real AWS.")
        {
            DemoCommand.Create(),
            DemoAsymmetricCommand.Create(),
            BenchCommand.Create(),
            ServeCommand.Create(),
            EncryptCommand.Create(),
            DecryptCommand.Create(),
            EnvelopeBenchCommand.Create(),
            RunCommand.Create(),
            LessonsCommand.Create(),
            CleanupCommand.Create(),
            LabSetupCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}
