using System.Diagnostics;
using System.Text.Json.Nodes;
using KmsLab.Cli.Notebooks;
using KmsLab.Tests.Lessons;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Venues;

/// <summary>
/// The real notebook kernel (the Microsoft.dotnet-interactive tool, registered as
/// <c>.net-csharp</c> for Jupyter — the kernel VS Code's Polyglot Notebooks runs too) executing
/// every lesson through Debian's <c>jupyter nbconvert --execute</c>, once per test run, and the
/// kernel-executed notebooks exported to HTML by nbconvert. Missing tools fail under CI and skip
/// elsewhere; <c>.ci/run</c> installs them.
/// </summary>
internal static class Kernel
{
    private static readonly Lazy<Task<KernelRun>> Run = new(ExecuteAllAsync);

    public static string DotnetTools { get; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools");

    /// <summary>Jupyter and the .NET kernel are on the machine, registered as the README says (fails under CI, skips elsewhere when not).</summary>
    public static void Require()
    {
        ExternalClients.Require(File.Exists("/usr/bin/jupyter"), "Debian's Jupyter (/usr/bin/jupyter: jupyter-nbconvert, python3-nbclient, python3-ipykernel) is not installed");
        ExternalClients.Require(SafeKernelSpec.FindTool() is not null, "the Microsoft.dotnet-interactive tool (1.0.712001) is not installed");
        var spec = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "jupyter", "kernels", ".net-csharp", "kernel.json");
        ExternalClients.Require(File.Exists(spec) && File.ReadAllText(spec).Contains(SafeKernelSpec.EndpointVariable, StringComparison.Ordinal),
            "the .net-csharp Jupyter kernel is not registered the way the README says (kmslab kernel install)");
    }

    /// <summary>Every lesson executed by the kernel (once per test run).</summary>
    public static Task<KernelRun> AllLessonsAsync() => Run.Value;

    private static async Task<KernelRun> ExecuteAllAsync()
    {
        var dir = RunFolders.Create("kernel");
        var lessons = Repository.LessonFiles.Select(Path.GetFileName).ToList();
        // --allow-errors: every lesson runs to its end; the tests read each error output themselves.
        var execute = await JupyterAsync(Repository.Notebooks,
            ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.timeout=300", "--output-dir", dir, .. lessons!]);
        var executed = lessons.ToDictionary(l => l!, l => Path.Combine(dir, l!), StringComparer.Ordinal);
        var html = await JupyterAsync(dir, ["nbconvert", "--to", "html", "--output-dir", dir, .. executed.Values.Where(File.Exists)]);
        return new KernelRun(dir, executed, execute + "\n" + html);
    }

    private static async Task<string> JupyterAsync(string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/jupyter")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // The kernelspec starts `dotnet interactive`: the .NET tools folder must be on PATH.
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") + ":" + DotnetTools;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("jupyter nbconvert did not finish in 25 minutes:\n" + await stderr);
        }
        var log = await stdout + await stderr;
        if (process.ExitCode != 0) throw new InvalidOperationException($"jupyter {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}:\n{log}");
        return log;
    }
}

/// <summary>The kernel's run of every lesson: executed notebooks and their nbconvert HTML pages.</summary>
internal sealed record KernelRun(string Directory, IReadOnlyDictionary<string, string> Executed, string Log)
{
    public string HtmlPage(string lesson) => Path.ChangeExtension(Executed[lesson], ".html");

    public JsonObject Notebook(string lesson) =>
        File.Exists(Executed[lesson])
            ? JsonNode.Parse(File.ReadAllText(Executed[lesson]))!.AsObject()
            : throw new InvalidOperationException($"The kernel wrote no {lesson}:\n{Log}");
}
