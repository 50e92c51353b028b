using System.Text.Json.Nodes;
using KmsLab.Cli.Notebooks;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Lessons;

/// <summary>
/// A lesson's setup cell loads KmsLab from <c>artifacts/kmslab</c>, which every build of
/// KmsLab.Lessons fills: after a Release build as after a Debug one, the real kernel loads the
/// lesson (a learner who ran <c>./kmslab</c>, which builds Release, is not left with a stale or
/// missing Debug folder).
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class NotebookReferenceTests
{
    private static string Folder => Path.Combine(Repository.Root, "artifacts", "kmslab");

    [SkippableFact]
    public async Task After_a_Release_build_and_after_a_Debug_build_the_setup_cell_loads_in_the_real_kernel()
    {
        using var dir = new TempDir();
        var (jupyter, environment) = await TemporaryJupyter.InstallAsync(dir);

        // A lesson folder beside an artifacts/ that is the repository's, so the setup cell's relative #r paths resolve as in notebooks/.
        var lessons = Directory.CreateDirectory(Path.Combine(dir.Path, "notebooks")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "artifacts"), Path.Combine(Repository.Root, "artifacts"));
        var notebook = Path.Combine(lessons, "setup.ipynb");
        var lesson = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Notebooks, "01-first-cmk.ipynb")))!.AsObject();
        lesson["cells"] = new JsonArray(
            new JsonObject { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["execution_count"] = null, ["outputs"] = new JsonArray(), ["source"] = LessonSync.SetupCell },
            new JsonObject { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["execution_count"] = null, ["outputs"] = new JsonArray(), ["source"] = "Console.WriteLine(\"loaded from \" + typeof(KmsLab.Lab).Assembly.Location);\nConsole.WriteLine(\"account \" + KmsLab.Lab.Simulator().AccountId);" });
        await File.WriteAllTextAsync(notebook, lesson.ToJsonString());

        foreach (var configuration in new[] { "Release", "Debug" })   // Debug last: the suite's own build is Debug
        {
            // The learner's own HOME: its NuGet cache, not a fresh one (RunAsync's default HOME is the working folder, here the repository).
            var buildEnvironment = new Dictionary<string, string>(environment) { ["HOME"] = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) };
            var build = await ExternalClients.RunAsync("dotnet", ["build", Path.Combine(Repository.Root, "src", "KmsLab.Lessons"), "-c", configuration, "--nologo", "-v", "q"],
                Repository.Root, buildEnvironment, TimeSpan.FromMinutes(8), extraPath: Path.GetDirectoryName(Environment.ProcessPath));
            Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
            var built = Path.Combine(Repository.Root, "src", "KmsLab.Lessons", "bin", configuration, "net10.0");
            foreach (var dll in new[] { "KmsLab.dll", "KmsLab.Lessons.dll" })
            {
                Assert.True(File.ReadAllBytes(Path.Combine(built, dll)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Folder, dll))), $"artifacts/kmslab/{dll} is not the {configuration} build's");
            }

            var output = Path.Combine(dir.Path, $"out-{configuration}.ipynb");
            var run = await ExternalClients.RunAsync(jupyter, ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", notebook, "--output", output],
                lessons, environment, TimeSpan.FromMinutes(5), extraPath: Path.GetDirectoryName(Environment.ProcessPath));
            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            var cells = JsonNode.Parse(File.ReadAllText(output))!["cells"]!.AsArray();
            var text = string.Join("", cells.SelectMany(c => c!["outputs"]!.AsArray()).Select(o => o!["text"]?.ToJsonString() ?? ""));
            Assert.DoesNotContain(cells.SelectMany(c => c!["outputs"]!.AsArray()), o => o!["output_type"]!.GetValue<string>() == "error");
            Assert.Contains("loaded from " + Path.Combine(dir.Path, "artifacts", "kmslab", "KmsLab.dll"), text, StringComparison.Ordinal);
            Assert.Contains("account 111122223333", text, StringComparison.Ordinal);
        }
    }
}
