using System.Text.Json.Nodes;
using KmsLab.Cli.Notebooks;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Venues;

/// <summary>Every lesson run by <c>kmslab run --out</c>'s runner, once per test run: executed notebooks and HTML pages.</summary>
internal static class RunnerPages
{
    private static readonly Lazy<Task<IReadOnlyDictionary<string, NotebookResult>>> Run = new(RunAllAsync);

    /// <summary>Runs alone: call from the notebook collection (the runner changes the current directory).</summary>
    public static Task<IReadOnlyDictionary<string, NotebookResult>> AllLessonsAsync() => Run.Value;

    private static async Task<IReadOnlyDictionary<string, NotebookResult>> RunAllAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "kmslab-runner-" + Guid.NewGuid().ToString("N")[..8]);
        NotebookHost.Configure();
        var results = new Dictionary<string, NotebookResult>(StringComparer.Ordinal);
        foreach (var lesson in Repository.LessonFiles)
        {
            var runner = new NotebookRunner(new NotebookRunOptions(dir, TimeSpan.FromMinutes(3)), new NullObserver());
            results[Path.GetFileName(lesson)] = await runner.RunAsync(lesson);
        }
        return results;
    }
}

internal sealed class NullObserver : INotebookObserver
{
    public void NotebookStarted(string path, IpynbDocument notebook) { }
    public void Markdown(IpynbCell cell) { }
    public void CodeStarted(int cellNumber, IpynbCell cell) { }
    public void CodeFinished(int cellNumber, IpynbCell cell, JsonArray outputs, CellFailure? failure, TimeSpan elapsed) { }
    public void NotebookFinished(NotebookResult result) { }
}
