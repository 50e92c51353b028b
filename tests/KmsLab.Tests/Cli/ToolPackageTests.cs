using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using KmsLab.Tests.Lessons;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Cli;

/// <summary>
/// <c>kmslab</c> as a .NET tool, as a learner gets it: <c>dotnet pack</c> of the CLI (this test's
/// configuration, from the build the test already has: no second build), <c>dotnet tool install</c>
/// of that package into a temporary tool path, then the installed <c>kmslab</c> run from a folder that
/// is not a checkout. Everything stays in one temporary folder: the package, its publish folder, the
/// tool path, a private NuGet cache, the learner's folder; the only package source is the package's
/// folder, so the install needs no network and never leaves a KmsLab.Cli in ~/.nuget/packages.
/// About 10 s here (pack 3-8 s, lesson 00 about 5 s). The .NET SDK is the precondition: missing, it fails the
/// test under CI (CI=true) and skips it elsewhere.
/// </summary>
public sealed class ToolPackageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [SkippableFact]
    public async Task The_packed_tool_installs_and_runs_the_demo_and_a_bundled_lesson_outside_a_checkout()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "/usr/bin/dotnet";
        ExternalClients.Require(File.Exists(dotnet), "the dotnet command (the .NET SDK)");
        var configuration = typeof(KmsLab.Cli.Program).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var root = Directory.CreateTempSubdirectory("kmslab-tool-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var nupkg = Path.Combine(root, "nupkg");
            var pack = await RunAsync(dotnet, ["pack", Path.Combine(Repository.Root, "src", "KmsLab.Cli", "KmsLab.Cli.csproj"), "-c", configuration, "--no-build", "-o", nupkg,
                $"-p:PublishDir={Path.Combine(root, "publish")}/", $"-p:NuspecOutputPath={Path.Combine(root, "nuspec")}/"], Repository.Root);
            Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack);
            var package = Assert.Single(Directory.GetFiles(nupkg, "KmsLab.Cli.*.nupkg"));
            var version = Path.GetFileNameWithoutExtension(package)["KmsLab.Cli.".Length..];

            // The lessons travel in the package, beside the tool's DLLs.
            using (var zip = ZipFile.OpenRead(package))
            {
                var bundled = zip.Entries.Where(e => e.FullName.StartsWith("tools/net10.0/any/lessons/notebooks/", StringComparison.Ordinal)).Select(e => e.Name).Order(StringComparer.Ordinal);
                Assert.Equal(Directory.GetFiles(Repository.Notebooks).Select(Path.GetFileName).Where(n => n!.EndsWith(".ipynb", StringComparison.Ordinal) || n.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal), bundled);
                Assert.Contains(zip.Entries, e => e.FullName == "tools/net10.0/any/DotnetToolSettings.xml");
            }

            var config = Path.Combine(root, "nuget.config");
            await File.WriteAllTextAsync(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="kmslab" value="{nupkg}" />
                  </packageSources>
                </configuration>
                """);
            var tools = Path.Combine(root, "tools");
            var install = await RunAsync(dotnet, ["tool", "install", "KmsLab.Cli", "--version", version, "--tool-path", tools, "--configfile", config], root,
                new() { ["NUGET_PACKAGES"] = Path.Combine(root, "packages") });
            Assert.True(install.ExitCode == 0, "dotnet tool install failed:\n" + install);
            var kmslab = Path.Combine(tools, "kmslab");
            Assert.True(File.Exists(kmslab), install.ToString());

            var learner = Directory.CreateDirectory(Path.Combine(root, "learner")).FullName;
            var help = await RunAsync(kmslab, ["--help"], learner);
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("Usage:\n  kmslab [command] [options]", help.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);

            var demo = await RunAsync(kmslab, ["demo"], learner);
            Assert.True(demo.ExitCode == 0, demo.ToString());
            Assert.Contains("alias/kmslab-demo", demo.Output, StringComparison.Ordinal);
            Assert.Contains("still decrypts", demo.Output, StringComparison.Ordinal);

            // A bundled lesson by its number: its pages land in the learner's folder, never in the tool's.
            var run = await RunAsync(kmslab, ["run", "00", "--target", "simulator"], learner);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"Running the lessons bundled with kmslab, from {Path.Combine(tools, ".store")}", run.Output, StringComparison.Ordinal);
            Assert.Contains("1 passed, 0 failed", run.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(learner, "artifacts", "notebooks", "00-start-here.html")), run.ToString());
            Assert.Empty(Directory.GetFiles(tools, "*.html", SearchOption.AllDirectories));

            // The learner's own copy, laid out as a checkout: kmslab run there runs it.
            var copy = await RunAsync(kmslab, ["lessons", "copy", "mine"], learner);
            Assert.True(copy.ExitCode == 0, copy.ToString());
            Assert.True(File.Exists(Path.Combine(learner, "mine", "notebooks", "00-start-here.ipynb")), copy.ToString());
            Assert.True(File.Exists(Path.Combine(learner, "mine", "artifacts", "kmslab", "KmsLab.Lessons.dll")), copy.ToString());
            Assert.False(File.Exists(Path.Combine(learner, "mine", "artifacts", "kmslab", "FSharp.Core.dll")), copy.ToString());

            Assert.True(clock.Elapsed < Timeout, $"took {clock.Elapsed}");
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }

    /// <summary>Runs a command with this process's environment, less MSBuild's and the test host's variables, plus <paramref name="extra"/>.</summary>
    private static async Task<Result> RunAsync(string fileName, string[] arguments, string workingDirectory, Dictionary<string, string>? extra = null)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k == "KMSLAB_TARGET").ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in extra ?? []) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new Result(-1, await stdout, await stderr + $"\n(killed after {Timeout.TotalSeconds} s)");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
