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

    /// <summary>
    /// A venue's executed <paramref name="notebook"/> gives every exercise check of <paramref name="lesson"/>
    /// the same verdict as the runner (a lesson with an exercise shows its check's verdict, unsolved:
    /// "not yet", in both).
    /// </summary>
    public static async Task AssertSameChecksAsync(string lesson, JsonObject notebook)
    {
        var venue = Outputs.Checks(notebook);
        var run = (await AllLessonsAsync())[lesson];
        Assert.True(run.Passed, $"{lesson} failed in the runner: {run.Failure?.Error}");
        var runner = Outputs.Checks(JsonNode.Parse(File.ReadAllText(run.IpynbPath!))!.AsObject());
        if (File.ReadAllText(Path.Combine(Repository.Notebooks, lesson)).Contains("await Exercises.", StringComparison.Ordinal)) Assert.NotEmpty(runner);
        Assert.Equal(runner, venue);
    }

    private static async Task<IReadOnlyDictionary<string, NotebookResult>> RunAllAsync()
    {
        var dir = RunFolders.Create("runner");
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
