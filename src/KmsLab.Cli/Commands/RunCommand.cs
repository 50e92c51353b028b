using System.CommandLine;
using System.Diagnostics;
using KmsLab.Cli.Notebooks;

namespace KmsLab.Cli.Commands;

/// <summary>Exit codes of <c>kmslab run</c>.</summary>
internal static class RunExitCodes
{
    /// <summary>Every notebook ran to its end.</summary>
    public const int Success = 0;

    /// <summary>At least one notebook had a failing cell (the cell and its error are printed).</summary>
    public const int CellFailed = 1;

    /// <summary>Nothing to run, a path that does not exist, or an unusable option.</summary>
    public const int Usage = 2;
}

/// <summary>
/// <c>kmslab run [NOTEBOOK|FOLDER ...]</c>: runs lessons headless, in this process, each in a fresh C#
/// kernel, shows their prose and outputs in the terminal, and writes each executed notebook and a
/// self-contained HTML page.
/// </summary>
internal static class RunCommand
{
    internal sealed record Settings(IReadOnlyList<string> Paths, LessonTarget Target, string? OutputDirectory, bool Quiet, TimeSpan CellTimeout);

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Notebooks (.ipynb) or folders of notebooks, run in name order. Default: notebooks",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var target = new Option<string>("--target", "-t")
        {
            Description = "Where the lessons' KMS calls go: simulator (in process, the default) or aws (real AWS KMS, sets KMSLAB_TARGET=aws).",
            DefaultValueFactory = _ => "simulator",
        };
        target.AcceptOnlyFromAmong("simulator", "aws");
        var output = new Option<string>("--out", "-o")
        {
            Description = "Folder for the executed notebooks and their HTML pages.",
            DefaultValueFactory = _ => Path.Combine("artifacts", "notebooks"),
        };
        var noOutput = new Option<bool>("--no-output") { Description = "Write no executed notebooks or HTML pages." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "One line per notebook (and the failing cell, if any) instead of the whole lesson." };
        var cellTimeout = new Option<int>("--cell-timeout") { Description = "Seconds one cell may run before it counts as failed.", DefaultValueFactory = _ => 300 };
        var command = new Command("run", "Run lesson notebooks headless (in process): prose and outputs in the terminal, executed .ipynb and HTML pages written.")
        {
            paths, target, output, noOutput, quiet, cellTimeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new Settings(
                parse.GetValue(paths) is { Length: > 0 } p ? p : ["notebooks"],
                parse.GetValue(target) == "aws" ? LessonTarget.Aws : LessonTarget.Simulator,
                parse.GetValue(noOutput) ? null : parse.GetValue(output),
                parse.GetValue(quiet),
                TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(cellTimeout))));
            bool color = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            return await RunAsync(settings, Console.Out, Console.Error, color, ct);
        });
        return command;
    }

    /// <summary>Expands folders into their notebooks (name order); null and a message if a path is unusable.</summary>
    internal static IReadOnlyList<string>? Expand(IReadOnlyList<string> paths, TextWriter stderr)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.GetFiles(path, "*.ipynb").Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    stderr.WriteLine($"kmslab run: no notebooks (*.ipynb) in {path}");
                    return null;
                }
                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                stderr.WriteLine($"kmslab run: {path} does not exist.");
                return null;
            }
        }
        return files;
    }

    internal static async Task<int> RunAsync(Settings settings, TextWriter stdout, TextWriter stderr, bool color, CancellationToken ct)
    {
        var files = Expand(settings.Paths, stderr);
        if (files is null) return RunExitCodes.Usage;
        // Lab.ForLesson reads the target from the environment, in this process and in VS Code alike.
        Environment.SetEnvironmentVariable(Lab.TargetVariable, settings.Target == LessonTarget.Aws ? "aws" : "simulator");
        NotebookHost.Configure();

        var view = new TerminalView(stdout, color, settings.Quiet);
        var runner = new NotebookRunner(new NotebookRunOptions(settings.OutputDirectory, settings.CellTimeout), view);
        var clock = Stopwatch.StartNew();
        var results = new List<NotebookResult>();
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            results.Add(await runner.RunAsync(file, ct));
        }
        int failed = results.Count(r => !r.Passed);
        stdout.WriteLine();
        stdout.WriteLine($"{results.Count - failed} passed, {failed} failed — {results.Count} notebook(s) in {clock.Elapsed.TotalSeconds:0.0} s (target: {settings.Target.ToString().ToLowerInvariant()})");
        if (settings.OutputDirectory is { } outDir && results.Count > 0)
        {
            var index = Path.Combine(outDir, "index.html");
            await File.WriteAllTextAsync(index, IndexPage.Render(results), ct);
            stdout.WriteLine($"Executed notebooks and HTML pages: {Path.GetFullPath(outDir)} (open index.html)");
        }
        foreach (var r in results.Where(r => r.Failure is not null))
        {
            stderr.WriteLine($"FAILED {Path.GetFileName(r.Path)}, cell {r.Failure!.CellNumber}: {FirstLine(r.Failure.Error)}");
        }
        return failed == 0 ? RunExitCodes.Success : RunExitCodes.CellFailed;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].TrimEnd('\r');
}
