using System.Text.Json.Nodes;
using KmsLab.Cli.Commands;
using KmsLab.Cli.Notebooks;
using Spectre.Console.Testing;

namespace KmsLab.Tests.Lessons;

[Collection(NotebookCollection.Name)]
public sealed class NotebookRunTests
{
    public static TheoryData<string> Lessons()
    {
        var data = new TheoryData<string>();
        foreach (var file in Repository.LessonFiles) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void TheCourseHasItsLessons()
    {
        var names = Repository.LessonFiles.Select(Path.GetFileName).ToList();
        Assert.Equal(17, names.Count);
        for (int i = 0; i <= 16; i++) Assert.Contains(names, n => n!.StartsWith($"{i:00}-", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Lessons))]
    public async Task EveryLessonRunsTopToBottomOnTheSimulator(string lesson)
    {
        NotebookHost.Configure();
        var runner = new NotebookRunner(new NotebookRunOptions(null, TimeSpan.FromMinutes(2)), new NullObserver());
        var result = await runner.RunAsync(Path.Combine(Repository.Notebooks, lesson));
        Assert.True(result.Passed, result.Failure is { } f ? $"{lesson}, cell {f.CellNumber}:\n{f.Code}\n---\n{f.Error}" : "");
        Assert.Equal(result.CodeCells, result.CodeCellsRun);
    }

    [Fact]
    public async Task ABrokenCellFailsTheNotebookAndTheRunner()
    {
        using var dir = new TempDir();
        var path = dir.Notebook("broken.ipynb",
            ("markdown", "# Broken"),
            ("code", "var x = 1;"),
            ("code", "throw new InvalidOperationException(\"the cell is broken\");"),
            ("code", "Console.WriteLine(\"never runs\");"));
        var stdout = new TestConsole().Width(200);
        var stderr = new StringWriter();
        int exit = await RunCommand.RunAsync(new RunCommand.Settings([path], LabTarget.Simulator, Path.Combine(dir.Path, "out"), Quiet: true, TimeSpan.FromMinutes(1)),
            stdout, stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("broken.ipynb: cell 3 failed", stdout.Output, StringComparison.Ordinal);
        Assert.Contains("the cell is broken", stdout.Output, StringComparison.Ordinal);
        Assert.Contains("FAILED broken.ipynb, cell 3", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("0 passed, 1 failed", stdout.Output, StringComparison.Ordinal);

        var executed = IpynbDocument.Load(Path.Combine(dir.Path, "out", "broken.ipynb"));
        var code = executed.Cells.Where(c => c.IsCode).ToList();
        Assert.Equal("error", code[1].Outputs[0]!["output_type"]!.GetValue<string>());
        Assert.Empty(code[2].Outputs);
        Assert.Contains("stopped at cell 3", await File.ReadAllTextAsync(Path.Combine(dir.Path, "out", "broken.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACompileErrorFailsWithTheCompilersMessage()
    {
        using var dir = new TempDir();
        var path = dir.Notebook("typo.ipynb", ("code", "var y = undefinedThing + 1;"));
        var result = await new NotebookRunner(new NotebookRunOptions(null, TimeSpan.FromMinutes(1)), new NullObserver()).RunAsync(path);
        Assert.False(result.Passed);
        Assert.Equal(1, result.Failure!.CellNumber);
        Assert.Contains("CS0103", result.Failure.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGoodNotebookPassesAndItsOutputsAndOfflinePageAreWritten()
    {
        using var dir = new TempDir();
        var path = dir.Notebook("good.ipynb",
            ("markdown", "# Good\n\nSome *prose* and a [link](03-encrypt-decrypt.ipynb)."),
            ("code", "#r \"../src/KmsLab.Lessons/bin/Debug/net10.0/KmsLab.dll\"\nusing KmsLab; using KmsLab.Lessons;\nNotebook.Start();\nvar lab = Lab.Simulator();\nConsole.WriteLine(\"hello\");\nlab.AccountId"),
            ("code", "Charts.Lines(\"A chart\", \"x\", \"y\", new Series(\"s\", [1, 2], [3, 4]))"));
        var stdout = new TestConsole().Width(200);
        int exit = await RunCommand.RunAsync(new RunCommand.Settings([dir.Path], LabTarget.Simulator, Path.Combine(dir.Path, "out"), Quiet: false, TimeSpan.FromMinutes(1)),
            stdout, new StringWriter(), CancellationToken.None);
        Assert.Equal(ExitCodes.Success, exit);
        var text = stdout.Output;
        Assert.Contains("GOOD", text, StringComparison.Ordinal);                  // the prose, as terminal text
        Assert.Contains("hello", text, StringComparison.Ordinal);                 // stdout of a cell
        Assert.Contains("111122223333", text, StringComparison.Ordinal);          // a return value
        Assert.Contains("[chart] A chart", text, StringComparison.Ordinal);       // a chart's text stand-in

        var executed = IpynbDocument.Load(Path.Combine(dir.Path, "out", "good.ipynb"));
        var outputs = executed.Cells.Where(c => c.IsCode).SelectMany(c => c.Outputs.OfType<JsonObject>()).ToList();
        Assert.Contains(outputs, o => o["output_type"]!.GetValue<string>() == "stream");
        Assert.Contains(outputs, o => o["output_type"]!.GetValue<string>() == "execute_result" && o["data"]!["text/plain"] is not null);

        var html = await File.ReadAllTextAsync(Path.Combine(dir.Path, "out", "good.html"));
        Assert.Contains("plotly.js v2.28.0", html, StringComparison.Ordinal);     // plotly.js embedded: no network needed
        Assert.DoesNotContain("<script src=", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("plotly.js v2.28.0", StringComparison.Ordinal) < html.IndexOf("data-kmslab-chart", StringComparison.Ordinal));
        Assert.Contains("href=\"03-encrypt-decrypt.html\"", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.Path, "out", "index.html")));
    }

    [Fact]
    public async Task AMissingPathIsAUsageError()
    {
        var stderr = new StringWriter();
        int exit = await RunCommand.RunAsync(new RunCommand.Settings(["/no/such/notebook.ipynb"], LabTarget.Simulator, null, true, TimeSpan.FromMinutes(1)),
            new TestConsole(), stderr, CancellationToken.None);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("does not exist", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("a lesson by its number (`kmslab run 03`)", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAwsTargetSaysWhatItNeedsWhenTheMachineHasNoAwsSettings()
    {
        using var dir = new TempDir();
        var path = dir.Notebook("target.ipynb", ("code", "var lab = KmsLab.Lab.ForLesson(\"x\");"));
        // No AWS_REGION, AWS_PROFILE, KMSLAB_* (and the test process's own, empty, AWS files): the lab cannot know the Region.
        using var environment = new KmsLab.Tests.RealAws.EnvironmentScope();
        try
        {
            var stdout = new TestConsole().Width(200);
            int exit = await RunCommand.RunAsync(new RunCommand.Settings([path], LabTarget.Aws, null, true, TimeSpan.FromMinutes(1)), stdout, new StringWriter(), CancellationToken.None);
            Assert.Equal(ExitCodes.Failed, exit);
            Assert.Contains("KMSLAB_REGION", stdout.Output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Lab.TargetVariable, null);
        }
    }

    [Theory]
    [InlineData("#r \"../src/KmsLab.Lessons/bin/Debug/net10.0/KmsLab.dll\"", true)]
    [InlineData("  #r \"x/AWSSDK.Core.dll\"", true)]
    [InlineData("#r \"../lib/Other.dll\"", false)]
    [InlineData("#r \"nuget: Newtonsoft.Json\"", false)]
    public void HostReferencesAreSkippedAndOthersKept(string line, bool skipped)
    {
        var result = NotebookRunner.SkipHostReferences(line + "\nvar x = 1;");
        Assert.Equal(skipped, result.StartsWith("// (kmslab run references", StringComparison.Ordinal));
        Assert.EndsWith("var x = 1;", result, StringComparison.Ordinal);
    }

    private sealed class NullObserver : INotebookObserver
    {
        public void NotebookStarted(string path, IpynbDocument notebook) { }
        public void Markdown(IpynbCell cell) { }
        public void CodeStarted(int cellNumber, IpynbCell cell) { }
        public void CodeFinished(int cellNumber, IpynbCell cell, JsonArray outputs, CellFailure? failure, TimeSpan elapsed) { }
        public void NotebookFinished(NotebookResult result) { }
    }
}

internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kmslab-nb-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Notebook(string name, params (string Kind, string Source)[] cells)
    {
        var nb = IpynbDocument.CreatePolyglot();
        foreach (var (kind, source) in cells) nb.AddCell(kind, source);
        var path = System.IO.Path.Combine(Path, name);
        nb.Save(path);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
