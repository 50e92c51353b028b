using System.CommandLine;
using System.Diagnostics;
using KmsLab.Cli.Notebooks;
using KmsLab.Cli.Terminal;
using KmsLab.Hosting;
using Spectre.Console;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab run [NOTEBOOK|FOLDER|LESSON ...]</c>: runs lessons headless, in this process, each in a fresh C#
/// kernel, shows their prose and outputs in the terminal, and writes each executed notebook and a
/// self-contained HTML page. With no path it runs <c>./notebooks</c>, else the lessons bundled with
/// the tool; a lesson can be named instead of a path (<c>03</c>, <c>03-encrypt-decrypt</c>), see
/// <see cref="LessonLocator"/>. The lessons' target is handed to them through
/// <see cref="LessonHost"/>: <c>--target</c>, else <c>KMSLAB_TARGET</c>, else the simulator.
/// Exit codes: <see cref="ExitCodes.Failed"/> when a notebook had a failing cell (the cell and its
/// error are printed), <see cref="ExitCodes.Usage"/> for nothing to run, a missing path or an unusable option.
/// </summary>
internal static class RunCommand
{
    internal sealed record Settings(IReadOnlyList<string> Paths, LabTarget Target, string? OutputDirectory, bool Quiet, TimeSpan CellTimeout);

    private static readonly Argument<string[]> PathsArgument = new("paths")
    {
        Description = "Notebooks (.ipynb), folders of notebooks (run in name order) or lesson names (03, 03-encrypt-decrypt). Default: ./notebooks, else the lessons bundled with kmslab.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Option<string?> TargetOption = CreateTargetOption();

    private static readonly Option<string> OutputOption = new("--out", "-o")
    {
        Description = "Folder for the executed notebooks and their HTML pages (relative to the current folder).",
        DefaultValueFactory = _ => Path.Combine("artifacts", "notebooks"),
    };

    private static readonly Option<bool> NoOutputOption = new("--no-output") { Description = "Write no executed notebooks or HTML pages." };

    private static readonly Option<int> CellTimeoutOption = new("--cell-timeout") { Description = "Seconds one cell may run before it counts as failed.", DefaultValueFactory = _ => 300 };

    private static Option<string?> CreateTargetOption()
    {
        var target = new Option<string?>("--target", "-t")
        {
            Description = $"Where the lessons' KMS calls go: simulator (in process) or aws (real AWS KMS). Default: the {Lab.TargetVariable} environment variable, else simulator.",
        };
        target.AcceptOnlyFromAmong("simulator", "aws");
        return target;
    }

    public static Command Create()
    {
        var command = new Command("run", "Run lesson notebooks headless (in process): prose and outputs in the terminal, executed .ipynb and HTML pages written.")
        {
            PathsArgument, TargetOption, OutputOption, NoOutputOption, CommonOptions.Quiet, CellTimeoutOption,
        };
        command.SetAction(async (parse, ct) =>
        {
            Settings settings;
            try
            {
                settings = ReadSettings(parse, Environment.GetEnvironmentVariable(Lab.TargetVariable));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"kmslab run: {e.Message}");
                return ExitCodes.Usage;
            }
            return await RunAsync(settings, TerminalConsole.ForStandardOutput(), Console.Error, ct);
        });
        return command;
    }

    /// <summary>
    /// The settings of a parsed <c>kmslab run</c>: the target is <c>--target</c> if given, else
    /// <paramref name="targetVariable"/> (the value of <c>KMSLAB_TARGET</c>), else the simulator.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="targetVariable"/> names no target.</exception>
    internal static Settings ReadSettings(ParseResult parse, string? targetVariable) => new(
        parse.GetValue(PathsArgument) ?? [],
        LessonHost.ParseTarget(parse.GetValue(TargetOption) ?? targetVariable),
        parse.GetValue(NoOutputOption) ? null : parse.GetValue(OutputOption),
        parse.GetValue(CommonOptions.Quiet),
        TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(CellTimeoutOption))));

    /// <summary>
    /// The paths to run: <paramref name="paths"/> as given, a lesson name resolved in the lessons
    /// folder (<see cref="LessonLocator.Find"/>), and with no path at all that folder itself; says so
    /// when the lessons are the bundled ones. Null and a message if there are no lessons to run.
    /// </summary>
    internal static IReadOnlyList<string>? ResolvePaths(IReadOnlyList<string> paths, string currentDirectory, string bundledFolder, IAnsiConsole stdout, TextWriter stderr)
    {
        var lessons = LessonLocator.Find(currentDirectory, bundledFolder);
        bool fromBundle = false;
        List<string> resolved;
        if (paths.Count == 0)
        {
            if (lessons is null)
            {
                stderr.WriteLine($"kmslab run: there is no {LessonLocator.LocalFolder} folder here and this kmslab has no bundled lessons ({bundledFolder}); name a notebook or a folder.");
                return null;
            }
            resolved = [lessons.Path];
            fromBundle = lessons.Bundled;
        }
        else
        {
            resolved = [];
            foreach (var path in paths)
            {
                var full = Path.Combine(currentDirectory, path);
                if (!File.Exists(full) && !Directory.Exists(full) && lessons is not null && LessonLocator.Resolve(path, lessons.Path) is { } lesson)
                {
                    resolved.Add(lesson);
                    fromBundle |= lessons.Bundled;
                }
                else
                {
                    resolved.Add(path);
                }
            }
        }
        if (fromBundle) stdout.WriteLinePlain($"Running the lessons bundled with kmslab, from {bundledFolder} (`kmslab lessons copy DIR` makes you an editable copy).");
        return resolved;
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
                stderr.WriteLine($"kmslab run: {path} does not exist. Name a notebook, a folder of notebooks, or a lesson by its number (`kmslab run 03`); `kmslab run` alone runs them all.");
                return null;
            }
        }
        return files;
    }

    /// <summary>
    /// Runs the notebooks, the lessons shown on <paramref name="stdout"/>, the failures also listed on
    /// <paramref name="stderr"/> (plain lines, for scripts).
    /// </summary>
    internal static async Task<int> RunAsync(Settings settings, IAnsiConsole stdout, TextWriter stderr, CancellationToken ct)
    {
        var paths = ResolvePaths(settings.Paths, Environment.CurrentDirectory, LessonLocator.BundledFolder, stdout, stderr);
        var files = paths is null ? null : Expand(paths, stderr);
        if (files is null) return ExitCodes.Usage;
        // The current folder's, fixed now: the runner moves into each notebook's folder (the tool's own, for bundled lessons) while it runs.
        if (settings.OutputDirectory is { } output) settings = settings with { OutputDirectory = Path.GetFullPath(output) };
        NotebookHost.Configure();
        // Every lesson's Lab.ForLesson sees the target, and its notes go to the cell's output as its console output does.
        using var host = LessonHost.Use(new LessonHost { Target = settings.Target, Notes = KmsLab.Lessons.Notebook.CellOutput });

        var view = new TerminalView(stdout, settings.Quiet);
        var runner = new NotebookRunner(new NotebookRunOptions(settings.OutputDirectory, settings.CellTimeout), view);
        var clock = Stopwatch.StartNew();
        var results = new List<NotebookResult>();
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            results.Add(await runner.RunAsync(file, ct));
        }
        int failed = results.Count(r => !r.Passed);
        TerminalView.Summary(stdout, results, clock.Elapsed, settings.Target.ToString().ToLowerInvariant(), settings.OutputDirectory);
        if (settings.OutputDirectory is { } outDir && results.Count > 0)
        {
            await File.WriteAllTextAsync(Path.Combine(outDir, "index.html"), IndexPage.Render(results), ct);
        }
        foreach (var r in results.Where(r => r.Failure is not null))
        {
            stderr.WriteLine($"FAILED {Path.GetFileName(r.Path)}, cell {r.Failure!.CellNumber}: {FirstLine(r.Failure.Error)}");
        }
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].TrimEnd('\r');
}
