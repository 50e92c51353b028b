using System.CommandLine;
using KmsLab.Hosting;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab audit export --state FILE</c>: the audit trail a <c>kmslab serve --state</c> file keeps,
/// as CloudTrail records (JSON lines, oldest first) on standard output. For a stopped server's file;
/// it reads without taking the file. Exit codes: 0 written; 1 the file is not a KmsLab state database.
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var state = new Option<FileInfo>("--state")
        {
            Description = "The state file of kmslab serve --state (a stopped server's; a running one's shows what it had saved).",
            Required = true,
        };
        var export = new Command("export", "Write the audit trail kept in a state file as CloudTrail records, one JSON object a line, oldest first (e.g. > trail.jsonl, then jq).")
        {
            state,
        };
        export.SetAction(async (parse, _) => await ExportAsync(parse.GetValue(state)!.FullName, Console.Out, Console.Error));
        return new Command("audit", "The audit trail of a kmslab serve --state file.") { export };
    }

    internal static async Task<int> ExportAsync(string path, TextWriter output, TextWriter error)
    {
        try
        {
            LabStateFile.ExportAudit(path, output);
            await output.FlushAsync();
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"kmslab audit export: cannot read the state file {path}: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
