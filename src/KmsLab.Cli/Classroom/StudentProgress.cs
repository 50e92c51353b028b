using KmsLab.Cli.Course;
using KmsLab.Cli.Notebooks;
using KmsLab.Exam;
using KmsLab.Progress;

namespace KmsLab.Cli.Classroom;

/// <summary>One student's standing in every lesson, read from their progress file; <see cref="Problem"/> says why there is none.</summary>
internal sealed record StudentProgress(Student Student, IReadOnlyList<LessonStanding> Lessons, DateTimeOffset? LastActivity, string? Problem)
{
    /// <summary>
    /// Reads <paramref name="student"/>'s progress file from a copy, so that the report writes
    /// nothing into a student's home (not even the SQLite side files that a reader of a WAL database
    /// creates, which the instructor's user would own) while the student's lessons go on writing.
    /// </summary>
    public static StudentProgress Read(Student student, ExamBank bank, IReadOnlyList<LessonEntry> lessons)
    {
        var file = ProgressStore.InHome(student.Home);
        var none = lessons.Select(l => new LessonStanding(l, null, bank.CheckpointsFor(Path.GetFileNameWithoutExtension(l.FileName)).Count(), 0, 0)).ToList();
        if (!File.Exists(file)) return new StudentProgress(student, none, null, Directory.Exists(student.Home) ? null : "no home folder");
        var copy = Directory.CreateTempSubdirectory("kmslab-class-report-");
        try
        {
            var copied = Path.Combine(copy.FullName, "progress.db");
            File.Copy(file, copied);
            if (File.Exists(file + "-wal")) File.Copy(file + "-wal", copied + "-wal");
            using var store = ProgressStore.Open(copied);
            var standings = LessonStanding.Of(store, bank, lessons);
            var last = store.Exercises().Select(e => (DateTimeOffset?)e.LastChecked)
                .Concat(store.Answers().Select(a => (DateTimeOffset?)a.AnsweredAt)).Max();
            return new StudentProgress(student, standings, last, null);
        }
        catch (Exception e) when (e is ProgressStoreException or IOException or UnauthorizedAccessException)
        {
            return new StudentProgress(student, none, null, e.Message);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }
}
