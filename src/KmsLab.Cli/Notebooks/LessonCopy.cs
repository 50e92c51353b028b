using System.Text.Json.Nodes;

namespace KmsLab.Cli.Notebooks;

/// <summary>
/// <c>kmslab lessons copy DIR</c>: a learner's own, editable copy of the lessons, laid out as a
/// checkout is: <c>DIR/notebooks</c> (the lessons and their pages) and, where the lessons' setup cell
/// looks for KmsLab (<see cref="LessonSync.BuildOutput"/>), the DLLs a build puts in
/// <c>artifacts/kmslab</c>, taken from the tool's own folder. VS Code and Jupyter then open the copy
/// as they open a checkout, and <c>kmslab run</c> in <c>DIR</c> runs it.
/// </summary>
internal static class LessonCopy
{
    /// <summary>
    /// Not copied: the notebook kernel runs on its own FSharp.Core, and KmsLab.Lessons.csproj keeps
    /// it out of <c>artifacts/kmslab</c> for that reason (a second copy would load beside the kernel's).
    /// </summary>
    private static readonly HashSet<string> KernelOwned = new(StringComparer.OrdinalIgnoreCase) { "FSharp.Core" };

    /// <summary>Copies the lessons in <paramref name="lessons"/> and the DLLs of <paramref name="toolFolder"/> they load into <paramref name="target"/>.</summary>
    /// <returns>The exit code: <see cref="Commands.ExitCodes.Usage"/> if <paramref name="target"/> already has lessons (a copy is never overwritten).</returns>
    public static int Run(string lessons, string toolFolder, string target, TextWriter stdout, TextWriter stderr)
    {
        var notebooks = Path.Combine(target, LessonLocator.LocalFolder);
        if (Directory.Exists(notebooks) && Directory.EnumerateFiles(notebooks, "*.ipynb").Any())
        {
            stderr.WriteLine($"kmslab lessons copy: {Path.GetFullPath(notebooks)} already has lessons; they are yours and stay as they are. Name another folder.");
            return Commands.ExitCodes.Usage;
        }
        var references = Path.GetFullPath(Path.Combine(notebooks, LessonSync.BuildOutput));
        var dlls = LessonAssemblies(toolFolder);
        if (dlls is null)
        {
            stderr.WriteLine($"kmslab lessons copy: {toolFolder} has no KmsLab.Cli.deps.json to find the lessons' DLLs in.");
            return Commands.ExitCodes.Usage;
        }
        Directory.CreateDirectory(notebooks);
        Directory.CreateDirectory(references);
        int copied = 0;
        foreach (var file in Directory.GetFiles(lessons).Where(f => f.EndsWith(".ipynb", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(notebooks, Path.GetFileName(file)));
            if (file.EndsWith(".ipynb", StringComparison.Ordinal)) copied++;
        }
        foreach (var dll in dlls) File.Copy(Path.Combine(toolFolder, dll), Path.Combine(references, dll), overwrite: true);
        stdout.WriteLine($"{copied} lessons copied to {Path.GetFullPath(notebooks)}, and the {dlls.Count} DLLs they load to {references}.");
        stdout.WriteLine($"Open them in VS Code (Polyglot Notebooks) or Jupyter, or run them with `kmslab run` in {Path.GetFullPath(target)}.");
        return Commands.ExitCodes.Success;
    }

    /// <summary>
    /// The file names of KmsLab.Lessons and everything it depends on, as the tool's
    /// <c>KmsLab.Cli.deps.json</c> records them (the package graph, so the AWS SDK's credential
    /// assemblies that it loads by name come too), that are in <paramref name="toolFolder"/>; null
    /// without a deps file.
    /// </summary>
    internal static IReadOnlyList<string>? LessonAssemblies(string toolFolder)
    {
        var depsFile = Path.Combine(toolFolder, "KmsLab.Cli.deps.json");
        if (!File.Exists(depsFile)) return null;
        var deps = JsonNode.Parse(File.ReadAllText(depsFile))!;
        var targetName = deps["runtimeTarget"]!["name"]!.GetValue<string>();
        var libraries = deps["targets"]![targetName]!.AsObject().ToDictionary(e => e.Key[..e.Key.IndexOf('/', StringComparison.Ordinal)], e => e.Value!, StringComparer.OrdinalIgnoreCase);
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([typeof(KmsLab.Lessons.Notebook).Assembly.GetName().Name!]);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name) || KernelOwned.Contains(name) || !libraries.TryGetValue(name, out var library)) continue;
            foreach (var (runtime, _) in library["runtime"]?.AsObject() ?? [])
            {
                var file = Path.GetFileName(runtime);
                if (File.Exists(Path.Combine(toolFolder, file))) files.Add(file);
            }
            foreach (var (dependency, _) in library["dependencies"]?.AsObject() ?? []) pending.Push(dependency);
        }
        return [.. files];
    }
}
