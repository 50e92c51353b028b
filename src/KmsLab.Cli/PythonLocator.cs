using System.Diagnostics;

namespace KmsLab.Cli;

/// <summary>
/// Finds a python3 that has a given module (moto, boto3...): the one on PATH first, then pyenv's,
/// which a non-login shell may not have put on PATH.
/// </summary>
internal static class PythonLocator
{
    public static IReadOnlyList<string> Candidates { get; } = BuildCandidates();

    /// <summary>The first candidate that imports <paramref name="module"/>, or null.</summary>
    public static string? WithModule(string module)
    {
        foreach (var python in Candidates)
        {
            try
            {
                var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add($"import {module}");
                using var process = Process.Start(start)!;
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }
                if (process.ExitCode == 0) return python;
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
        return null;
    }

    private static List<string> BuildCandidates()
    {
        var list = new List<string> { "python3" };
        var root = Environment.GetEnvironmentVariable("PYENV_ROOT") is { Length: > 0 } r ? r : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        var shim = Path.Combine(root, "shims", "python3");
        if (File.Exists(shim)) list.Add(shim);
        // Debian's own interpreter, where apt installs Jupyter's modules (jupyter-client, nbclient).
        if (File.Exists("/usr/bin/python3")) list.Add("/usr/bin/python3");
        return list;
    }
}
