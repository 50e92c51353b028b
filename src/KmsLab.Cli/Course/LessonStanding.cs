using KmsLab.Cli.Notebooks;
using KmsLab.Exam;
using KmsLab.Progress;

namespace KmsLab.Cli.Course;

/// <summary>
/// How one lesson stands in a learner's progress file: its exercise's check (null if never run)
/// and its checkpoint questions, each counted by its latest answer in the lesson's quizzes.
/// <c>kmslab progress</c> shows a learner theirs; <c>kmslab class report</c> puts a class's side by side.
/// </summary>
internal sealed record LessonStanding(LessonEntry Lesson, ExerciseProgress? Exercise, int QuestionsAsked, int QuestionsAnswered, int QuestionsRight)
{
    /// <summary>passed, tried (checked, never passed) or not started.</summary>
    public ExerciseState State => Exercise switch
    {
        null => ExerciseState.NotStarted,
        { Done: true } => ExerciseState.Passed,
        _ => ExerciseState.Tried,
    };

    /// <summary>Every lesson's standing in <paramref name="progress"/>, in lesson order.</summary>
    public static IReadOnlyList<LessonStanding> Of(ProgressStore progress, ExamBank bank, IReadOnlyList<LessonEntry> lessons)
    {
        var exercises = progress.Exercises().ToDictionary(e => e.Exercise, StringComparer.Ordinal);
        var attempts = progress.Attempts();
        var answers = progress.Answers();
        return [.. lessons.Select(lesson =>
        {
            var asked = bank.CheckpointsFor(Path.GetFileNameWithoutExtension(lesson.FileName)).Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
            var quizzes = attempts.Where(a => a.Kind == AttemptKind.Lesson && a.Topic == "lesson " + lesson.Number).Select(a => a.Id).ToHashSet();
            var latest = answers.Where(a => quizzes.Contains(a.AttemptId) && asked.Contains(a.QuestionId) && a.Answer is not null)
                .GroupBy(a => a.QuestionId).Select(g => g.MaxBy(a => a.AnsweredAt)!).ToList();
            return new LessonStanding(lesson, exercises.GetValueOrDefault(lesson.Number), asked.Count, latest.Count, latest.Count(a => a.Correct));
        })];
    }
}

/// <summary>Where a lesson's exercise stands.</summary>
internal enum ExerciseState
{
    NotStarted,
    Tried,
    Passed,
}
