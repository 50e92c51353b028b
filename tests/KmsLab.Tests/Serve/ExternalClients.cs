using System.Diagnostics;
using System.Text;

namespace KmsLab.Tests.Serve;

/// <summary>
/// Finds the third-party KMS clients on the machine (aws CLI v1 and v2, boto3, the AWS SDK for
/// JavaScript v3) and runs them in a clean environment: a fresh HOME, only the credentials and
/// Region given, no other AWS_* variable. A missing client fails the test under CI (CI=true) and
/// skips it, with the reason, elsewhere. <c>.ci/run</c> installs them.
/// </summary>
public static class ExternalClients
{
    // Debian's awscli package (CLI v2) also has a python module named awscli: ask for version 1.
    private static readonly Lazy<string?> PythonPath = new(() => FindPython("awscli", "assert awscli.__version__.startswith('1.')"));
    private static readonly Lazy<string?> Boto3PythonPath = new(() => FindPython("boto3"));

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string InteropFolder => Path.Combine(RepositoryRoot, "tests", "interop");

    /// <summary>Fails under CI, skips elsewhere, when a client the test needs is missing.</summary>
    public static void Require(bool available, string whatIsMissing)
    {
        if (available) return;
        var reason = $"{whatIsMissing} — .ci/run installs it.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail("Under CI every interop client must be present: " + reason);
        Skip.If(true, reason);
    }

    /// <summary>A command that runs AWS CLI v1 (the awscli package of the machine's python3), or null.</summary>
    public static string? AwsCliV1() => PythonPath.Value is { } python ? $"exec '{python}' -m awscli \"$@\"" : null;

    /// <summary>A command that runs AWS CLI v2 (Debian's awscli package), or null.</summary>
    public static string? AwsCliV2()
    {
        const string path = "/usr/bin/aws";
        if (!File.Exists(path)) return null;
        var (code, output) = RunQuiet(path, ["--version"]);
        return code == 0 && output.StartsWith("aws-cli/2.", StringComparison.Ordinal) ? $"exec {path} \"$@\"" : null;
    }

    /// <summary>The python3 that has boto3, or null.</summary>
    public static string? Boto3Python() => Boto3PythonPath.Value;

    /// <summary>The python3 that has <paramref name="module"/>, or null.</summary>
    public static string? Python(string module) => FindPython(module);

    /// <summary>node, if it is on PATH and tests/interop has its packages installed (npm ci).</summary>
    public static string? Node()
    {
        if (!Directory.Exists(Path.Combine(InteropFolder, "node_modules", "@aws-sdk", "client-kms"))) return null;
        var (code, _) = RunQuiet("node", ["--version"]);
        return code == 0 ? "node" : null;
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> in <paramref name="workingDirectory"/> with a clean
    /// environment: PATH (with <paramref name="extraPath"/> first), HOME, LANG, the given variables.
    /// Kills it if it runs longer than <paramref name="timeout"/>.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, string? extraPath = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        start.Environment["PATH"] = (extraPath is null ? "" : extraPath + ":") + "/usr/local/bin:/usr/bin:/bin";
        start.Environment["HOME"] = workingDirectory;
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ProcessResult(-1, await stdout, await stderr + $"\n(killed after {timeout.TotalSeconds} s)");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The credentials and Region variables for a clean client environment.</summary>
    public static Dictionary<string, string> AwsEnvironment(Lab lab, string region = "us-east-1") => new()
    {
        ["AWS_ACCESS_KEY_ID"] = lab.Admin.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = lab.Admin.SecretAccessKey,
        ["AWS_DEFAULT_REGION"] = region,
    };

    private static string? FindPython(string module, string check = "pass")
    {
        // The machine's python3 may be a pyenv shim that needs the real HOME: ask it for the interpreter's path.
        foreach (var python in global::KmsLab.Cli.PythonLocator.Candidates)
        {
            var (code, output) = RunQuiet(python, ["-c", $"import sys, {module}; {check}; print(sys.executable)"]);
            var path = output.Trim();
            if (code == 0 && File.Exists(path)) return path;
        }
        return null;
    }

    private static (int Code, string Output) RunQuiet(string fileName, string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "");
            }
            return (process.ExitCode, output.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, "");
        }
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (int i = 0; i < 12 && dir is not null; i++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KmsLab.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Could not find the repository root (KmsLab.sln) above " + AppContext.BaseDirectory);
    }
}

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => new StringBuilder().Append("exit code ").Append(ExitCode).AppendLine()
        .AppendLine("--- stdout ---").AppendLine(Stdout).AppendLine("--- stderr ---").AppendLine(Stderr).ToString();
}
