using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Venues;

/// <summary>
/// Every lesson in the real .NET Interactive kernel (what a learner runs in VS Code or Jupyter):
/// no error output anywhere, every code cell run, and each exercise check with the same verdict
/// as in <c>kmslab run</c>'s headless runner.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class KernelTests
{
    public static TheoryData<string> Lessons()
    {
        var data = new TheoryData<string>();
        foreach (var file in Repository.LessonFiles) data.Add(Path.GetFileName(file));
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Lessons))]
    public async Task EveryLessonRunsInTheRealKernelWithoutAnError(string lesson)
    {
        Kernel.Require();
        var notebook = (await Kernel.AllLessonsAsync()).Notebook(lesson);
        Assert.Empty(Outputs.Errors(notebook));
        Assert.Equal(Outputs.CodeCells(notebook), Outputs.CodeCellsRun(notebook));
    }

    [SkippableTheory]
    [MemberData(nameof(Lessons))]
    public async Task TheKernelAndTheRunnerGiveEveryCheckTheSameVerdict(string lesson)
    {
        Kernel.Require();
        await RunnerPages.AssertSameChecksAsync(lesson, (await Kernel.AllLessonsAsync()).Notebook(lesson));
    }
}
