using System.CommandLine;
using KmsLab.Cli.Exam;
using KmsLab.Cli.Notebooks;
using KmsLab.Cli.Course;
using KmsLab.Exam;
using KmsLab.Progress;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab progress</c>: the learner's course progress from their progress file. Exit codes: 0
/// shown; 1 the progress file is unusable (left as it is).
/// </summary>
internal static class ProgressCommand
{
    public static Command Create() => Create(ExamEnvironment.Terminal, Directory.GetCurrentDirectory, LessonLocator.BundledFolder);

    /// <summary>The command, talking through what <paramref name="environment"/> gives, finding lessons from <paramref name="currentDirectory"/> or <paramref name="bundledFolder"/>.</summary>
    internal static Command Create(Func<ExamEnvironment> environment, Func<string> currentDirectory, string bundledFolder)
    {
        var progress = new Option<string?>("--progress") { Description = $"The progress file. Default: {ProgressStore.PathVariable}, else {ProgressStore.DefaultPath}.", HelpName = "file" };
        var command = new Command("progress", "Where you stand in the course: each lesson's exercise (passed, tried, not yet) and questions, and your exam practice.") { progress };
        command.SetAction(parse =>
        {
            var env = environment();
            var folder = LessonLocator.Find(currentDirectory(), bundledFolder);
            var lessons = folder is null ? [] : LessonSync.LessonFiles(folder.Path).Select(f => LessonSync.Describe(f, IpynbDocument.Load(f))).ToList();
            try
            {
                using var store = ProgressStore.Open(parse.GetValue(progress), env.Time);
                CourseProgress.Show(env.Console, store, ExamBank.Default, lessons);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is ProgressStoreException or IOException or UnauthorizedAccessException)
            {
                env.Error.WriteLine($"kmslab progress: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }
}
