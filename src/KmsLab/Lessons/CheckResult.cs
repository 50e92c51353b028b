using System.Text;
using KmsLab.Progress;

namespace KmsLab.Lessons;

/// <summary>
/// The verdict of an exercise check: passed, or not yet with a hint that points the way without
/// giving the answer away. Each verdict is recorded in the learner's progress file
/// (<see cref="ProgressStore.DefaultPath"/>), where <c>kmslab progress</c> shows it. A check that
/// cannot run where the lesson runs (on real AWS without what it needs) is skipped, and a skipped
/// check records nothing: the exercise was not done.
/// </summary>
public sealed class CheckResult : LessonView
{
    private CheckResult(string exercise, bool passed, string message, string? hint, bool skipped = false)
    {
        Exercise = exercise;
        Passed = passed;
        Message = message;
        Hint = hint;
        Skipped = skipped;
    }

    /// <summary>Which exercise this is about.</summary>
    public string Exercise { get; }

    /// <summary>True when the answer is right.</summary>
    public bool Passed { get; }

    /// <summary>What the check found.</summary>
    public string Message { get; }

    /// <summary>A nudge in the right direction when the answer is not right yet.</summary>
    public string? Hint { get; }

    /// <summary>True when the check could not run here (neither passed nor not yet; nothing recorded).</summary>
    public bool Skipped { get; }

    /// <summary>Why the verdict could not be saved to the progress file, if it could not (the verdict stands).</summary>
    public string? SaveProblem { get; private init; }

    /// <summary>A passing verdict, recorded in the progress file.</summary>
    public static CheckResult Pass(string exercise, string message) => Recorded(new(exercise, true, message, null));

    /// <summary>A "not yet" verdict with a hint, recorded in the progress file.</summary>
    public static CheckResult NotYet(string exercise, string message, string hint) => Recorded(new(exercise, false, message, hint));

    /// <summary>A check that cannot run here, with what to do instead; not recorded in the progress file.</summary>
    internal static CheckResult Skip(string exercise, string message) => new(exercise, false, message, null, skipped: true);

    /// <summary>The progress file's key for an exercise: its lesson number ("Exercise 14 — …" is "14"), or its whole name.</summary>
    internal static string KeyOf(string exercise) =>
        exercise.StartsWith("Exercise ", StringComparison.Ordinal) && exercise.Length >= 11 && char.IsAsciiDigit(exercise[9]) && char.IsAsciiDigit(exercise[10]) ? exercise[9..11] : exercise;

    private static CheckResult Recorded(CheckResult result)
    {
        try
        {
            using var store = ProgressStore.Open();
            store.RecordCheck(KeyOf(result.Exercise), result.Exercise, result.Passed);
            return result;
        }
        catch (Exception e) when (e is ProgressStoreException or IOException or UnauthorizedAccessException)
        {
            return new CheckResult(result.Exercise, result.Passed, result.Message, result.Hint) { SaveProblem = "This verdict was not saved to your progress: " + e.Message };
        }
    }

    /// <inheritdoc />
    public override string ToPlainText()
    {
        var sb = new StringBuilder();
        if (Skipped) return sb.Append("⏭ ").Append(Exercise).Append(": skipped. ").Append(Message).ToString();
        sb.Append(Passed ? "✔ " : "✘ ").Append(Exercise).Append(": ").Append(Passed ? "well done. " : "not yet. ").Append(Message);
        if (Hint is not null) sb.AppendLine().Append("  Hint: ").Append(Hint);
        if (SaveProblem is not null) sb.AppendLine().Append("  ").Append(SaveProblem);
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToHtml()
    {
        var (border, background, label) = Skipped ? ("#546e7a", "#eceff1", "⏭ Skipped") : Passed ? ("#2e7d32", "#e8f5e9", "✔ Well done") : ("#ef6c00", "#fff3e0", "✘ Not yet");
        var sb = new StringBuilder();
        sb.Append($"<div class=\"kmslab-check\" style=\"border-left:5px solid {border};background:{background};padding:8px 12px;margin:4px 0;color:#222\">");
        sb.Append($"<strong>{label}</strong> — <em>{E(Exercise)}</em><br/>{E(Message)}");
        if (Hint is not null) sb.Append($"<div style=\"margin-top:6px\">💡 <strong>Hint:</strong> {E(Hint)}</div>");
        if (SaveProblem is not null) sb.Append($"<div style=\"margin-top:6px;color:#555\">{E(SaveProblem)}</div>");
        return sb.Append("</div>").ToString();
    }
}
