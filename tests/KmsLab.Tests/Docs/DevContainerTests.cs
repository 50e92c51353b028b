using System.Diagnostics;
using System.Text.Json;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Docs;

/// <summary>
/// "Open in Codespaces" or "Reopen in Container" gives a ready course: the container has the .NET
/// 10 SDK, the notebook extensions and, once created, a built solution and the safe Jupyter kernel.
/// </summary>
public sealed class DevContainerTests
{
    private static readonly string[] NotebookExtensions = ["ms-dotnettools.dotnet-interactive-vscode", "ms-toolsai.jupyter"];

    [Fact]
    public void The_dev_container_has_the_SDK_the_notebook_extensions_and_builds_the_course_on_create()
    {
        using var container = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, ".devcontainer", "devcontainer.json")));
        var root = container.RootElement;
        Assert.StartsWith("mcr.microsoft.com/devcontainers/", root.GetProperty("image").GetString(), StringComparison.Ordinal);
        var dotnet = root.GetProperty("features").GetProperty("ghcr.io/devcontainers/features/dotnet:2");
        Assert.Equal("10.0", dotnet.GetProperty("version").GetString());
        var extensions = root.GetProperty("customizations").GetProperty("vscode").GetProperty("extensions").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.All(NotebookExtensions, e => Assert.Contains(e, extensions));

        var command = root.GetProperty("postCreateCommand").GetString()!;
        Assert.Equal("bash .devcontainer/post-create.sh", command);
        var script = Path.Combine(Repository.Root, ".devcontainer", "post-create.sh");
        var text = File.ReadAllText(script);
        Assert.Contains("dotnet build KmsLab.sln", text, StringComparison.Ordinal);
        Assert.Contains("kernel install", text, StringComparison.Ordinal);
        // The kernel tool's pinned version is written out where no C# can name it: in each such place, the same one.
        foreach (var place in new[] { text, File.ReadAllText(Path.Combine(Repository.Root, ".ci", "run")), File.ReadAllText(Path.Combine(Repository.Root, "docs", "learner.md")) })
        {
            Assert.Contains("--version " + global::KmsLab.Cli.Commands.KernelCommand.ToolVersion, place, StringComparison.Ordinal);
        }
        using var syntax = Process.Start(new ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true })!;
        var errors = syntax.StandardError.ReadToEnd();
        syntax.WaitForExit();
        Assert.True(syntax.ExitCode == 0, errors);

        using var recommended = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, ".vscode", "extensions.json")));
        var recommendations = recommended.RootElement.GetProperty("recommendations").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(extensions.Order(StringComparer.Ordinal), recommendations.Order(StringComparer.Ordinal));
    }
}
