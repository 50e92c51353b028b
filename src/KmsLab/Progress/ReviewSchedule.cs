namespace KmsLab.Progress;

/// <summary>
/// A Leitner schedule for missed questions. A miss puts a question in box 1, due a day later; a
/// right answer once it is due moves it up a box, each box waiting twice as long as the one
/// before (1, 2, 4, 8, 16 days); a right answer in the last box retires it. A miss anywhere sends
/// it back to box 1. Days are real days: the point is to come back tomorrow.
/// </summary>
public static class ReviewSchedule
{
    /// <summary>The number of boxes.</summary>
    public const int Boxes = 5;

    /// <summary>How long a question in <paramref name="box"/> (1 to <see cref="Boxes"/>) waits before it is due again.</summary>
    public static TimeSpan Interval(int box) => TimeSpan.FromDays(1 << (Math.Clamp(box, 1, Boxes) - 1));

    /// <summary>
    /// Where a question goes after an answer: its new box and due time, or null when it leaves the
    /// schedule (retired, or never missed and answered right).
    /// </summary>
    /// <param name="current">Its box and due time now, or null if it is not in the schedule.</param>
    /// <param name="right">Whether the answer was right.</param>
    /// <param name="now">When it was answered.</param>
    public static (int Box, DateTimeOffset Due)? After((int Box, DateTimeOffset Due)? current, bool right, DateTimeOffset now)
    {
        if (!right) return (1, now + Interval(1));
        if (current is not { } c) return null;
        if (now < c.Due) return c;
        if (c.Box >= Boxes) return null;
        return (c.Box + 1, now + Interval(c.Box + 1));
    }
}
