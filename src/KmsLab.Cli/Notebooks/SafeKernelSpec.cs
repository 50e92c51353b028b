using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KmsLab.Cli.Notebooks;

/// <summary>
/// The Jupyter kernelspecs of the .NET Interactive kernel, registered so that the kernel opens no
/// network port of its own. <c>dotnet interactive jupyter install</c> registers a kernel that also
/// serves an HTTP API (a SignalR hub at <c>/kernelhub</c>) on every interface, without
/// authentication and with CORS open to any origin: measured on 1.0.712001, anyone who can reach
/// the machine, and any web page the learner's browser opens, can submit code to the kernel and run
/// it as the learner. The tool has no switch to turn that API off, but it is an ASP.NET Core host
/// that honours Kestrel's endpoint configuration: these kernelspecs start it with that one
/// endpoint on a Unix socket next to the kernel's connection file, in Jupyter's private runtime
/// folder. What stays on TCP are Jupyter's own five ZeroMQ channels, on loopback as the
/// connection file says. Lessons lose nothing: they use no browser-side kernel API.
/// </summary>
internal static class SafeKernelSpec
{
    /// <summary>The kernels <c>dotnet interactive jupyter install</c> registers: Jupyter name, the tool's language, display name, language.</summary>
    public static IReadOnlyList<(string Name, string DefaultKernel, string DisplayName, string Language)> Kernels { get; } =
    [
        (".net-csharp", "csharp", ".NET (C#)", "C#"),
        (".net-fsharp", "fsharp", ".NET (F#)", "F#"),
        (".net-pwsh", "pwsh", ".NET (PowerShell)", "PowerShell"),
    ];

    /// <summary>The environment variable that moves the tool's only HTTP endpoint (ASP.NET Core configuration: Kestrel:Endpoints:Http:Url).</summary>
    public const string EndpointVariable = "ASPNETCORE_Kestrel__Endpoints__Http__Url";

    /// <summary>
    /// The kernel's command line: a POSIX shell puts the HTTP endpoint on a Unix socket named after
    /// the connection file, then becomes the tool (<c>exec</c>, so Jupyter's interrupt and shutdown
    /// signals reach it). <c>--http-local-only</c> stays as a second line of defence.
    /// </summary>
    public static JsonArray Argv(string toolPath, string defaultKernel) =>
    [
        "/bin/sh",
        "-c",
        $"{EndpointVariable}=\"http://unix:${{1%.json}}.http.sock\" exec \"$0\" jupyter --default-kernel {defaultKernel} --http-local-only \"$1\"",
        toolPath,
        "{connection_file}",
    ];

    /// <summary>The kernel.json of one kernel.</summary>
    public static JsonObject KernelJson(string toolPath, string name)
    {
        var kernel = Kernels.Single(k => k.Name == name);
        return new JsonObject
        {
            ["argv"] = Argv(toolPath, kernel.DefaultKernel),
            ["display_name"] = kernel.DisplayName,
            ["language"] = kernel.Language,
            ["interrupt_mode"] = "signal",
            ["metadata"] = new JsonObject
            {
                ["kmslab"] = new JsonObject { ["http"] = "unix socket next to the connection file; no TCP port" },
                ["vscode"] = new JsonObject { ["extension_id"] = "ms-dotnettools.dotnet-interactive-vscode", ["kernel_id"] = "dotnet-interactive" },
            },
        };
    }

    /// <summary>The dotnet-interactive tool a global install puts in <c>~/.dotnet/tools</c>, or null.</summary>
    public static string? FindTool()
    {
        var home = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") is { Length: > 0 } cliHome ? cliHome : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var path = Path.Combine(home, ".dotnet", "tools", OperatingSystem.IsWindows() ? "dotnet-interactive.exe" : "dotnet-interactive");
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Writes each kernel's kernelspec folder under <paramref name="workFolder"/> and registers it
    /// for this user with <c>jupyter kernelspec install --user --replace</c>, or for every user
    /// (<paramref name="system"/>: Jupyter's system folder) (so it replaces the
    /// kernels <c>dotnet interactive jupyter install</c> registered under the same names, and the
    /// lessons, whose metadata names <c>.net-csharp</c>, open with it).
    /// </summary>
    /// <returns>Jupyter's exit code and what it wrote, per kernel.</returns>
    public static async Task<IReadOnlyList<(string Name, int ExitCode, string Output)>> InstallAsync(string jupyter, string toolPath, string workFolder, bool system, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var results = new List<(string, int, string)>();
        foreach (var kernel in Kernels)
        {
            var folder = Path.Combine(workFolder, kernel.Name);
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "kernel.json"), KernelJson(toolPath, kernel.Name).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), cancellationToken);
            var start = new ProcessStartInfo(jupyter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in (string[])["kernelspec", "install", .. system ? Array.Empty<string>() : ["--user"], "--replace", "--name", kernel.Name, folder]) start.ArgumentList.Add(argument);
            foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {jupyter}.");
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            results.Add((kernel.Name, process.ExitCode, (await stdout + await stderr).Trim()));
        }
        return results;
    }

    /// <summary>The jupyter command on PATH, or null.</summary>
    public static string? FindJupyter()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, OperatingSystem.IsWindows() ? "jupyter.exe" : "jupyter");
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
