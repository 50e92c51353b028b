using KmsLab.Cli.Notebooks;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Lessons;

/// <summary>
/// A Jupyter of its own for one test: data and runtime folders in a temporary folder, holding the
/// kernels <c>kmslab kernel install</c> registers, so the learner's own registration is never touched.
/// Missing tools fail under CI and skip elsewhere.
/// </summary>
internal static class TemporaryJupyter
{
    /// <summary>Registers the safe kernels under <paramref name="dir"/>; returns Jupyter's path and the environment that finds them.</summary>
    public static async Task<(string Jupyter, Dictionary<string, string> Environment)> InstallAsync(TempDir dir)
    {
        var jupyter = SafeKernelSpec.FindJupyter();
        ExternalClients.Require(jupyter is not null, "jupyter (Debian: jupyter-nbconvert)");
        var tool = SafeKernelSpec.FindTool();
        ExternalClients.Require(tool is not null, "the dotnet-interactive tool (dotnet tool install -g Microsoft.dotnet-interactive)");
        var environment = new Dictionary<string, string>
        {
            ["JUPYTER_DATA_DIR"] = Path.Combine(dir.Path, "data"),
            ["JUPYTER_RUNTIME_DIR"] = Path.Combine(dir.Path, "runtime"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        var installed = await SafeKernelSpec.InstallAsync(jupyter!, tool!, Path.Combine(dir.Path, "specs"), system: false, environment, CancellationToken.None);
        Assert.All(installed, r => Assert.True(r.ExitCode == 0, $"{r.Name}: {r.Output}"));
        return (jupyter!, environment);
    }
}
