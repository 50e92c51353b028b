using System.Text;

namespace KmsLab.Lessons;

/// <summary>
/// The verdict of an exercise check: passed, or not yet with a hint that points the way without
/// giving the answer away.
/// </summary>
public sealed class CheckResult : LessonView
{
    private CheckResult(string exercise, bool passed, string message, string? hint)
    {
        Exercise = exercise;
        Passed = passed;
        Message = message;
        Hint = hint;
    }

    /// <summary>Which exercise this is about.</summary>
    public string Exercise { get; }

    /// <summary>True when the answer is right.</summary>
    public bool Passed { get; }

    /// <summary>What the check found.</summary>
    public string Message { get; }

    /// <summary>A nudge in the right direction when the answer is not right yet.</summary>
    public string? Hint { get; }

    /// <summary>A passing verdict.</summary>
    public static CheckResult Pass(string exercise, string message) => new(exercise, true, message, null);

    /// <summary>A "not yet" verdict with a hint.</summary>
    public static CheckResult NotYet(string exercise, string message, string hint) => new(exercise, false, message, hint);

    /// <inheritdoc />
    public override string ToPlainText()
    {
        var sb = new StringBuilder();
        sb.Append(Passed ? "✔ " : "✘ ").Append(Exercise).Append(": ").Append(Passed ? "well done. " : "not yet. ").Append(Message);
        if (Hint is not null) sb.AppendLine().Append("  Hint: ").Append(Hint);
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToHtml()
    {
        var (border, background, label) = Passed ? ("#2e7d32", "#e8f5e9", "✔ Well done") : ("#ef6c00", "#fff3e0", "✘ Not yet");
        var sb = new StringBuilder();
        sb.Append($"<div class=\"kmslab-check\" style=\"border-left:5px solid {border};background:{background};padding:8px 12px;margin:4px 0;color:#222\">");
        sb.Append($"<strong>{label}</strong> — <em>{E(Exercise)}</em><br/>{E(Message)}");
        if (Hint is not null) sb.Append($"<div style=\"margin-top:6px\">💡 <strong>Hint:</strong> {E(Hint)}</div>");
        return sb.Append("</div>").ToString();
    }
}
