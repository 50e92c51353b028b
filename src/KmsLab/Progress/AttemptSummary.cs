namespace KmsLab.Progress;

/// <summary>One stored attempt and how it went.</summary>
/// <param name="Id">Its number in the progress file.</param>
/// <param name="Kind">Practice, mock, review or lesson.</param>
/// <param name="Exam">The exam it was for, if any.</param>
/// <param name="Topic">The topic or lesson it was on, if any.</param>
/// <param name="Started">When it started.</param>
/// <param name="Finished">When it ended, or null if it was left unfinished.</param>
/// <param name="TimeLimit">A mock exam's time limit.</param>
/// <param name="TimedOut">True if time ran out before the candidate finished.</param>
/// <param name="Questions">Questions asked (a mock exam's blanks included).</param>
/// <param name="Answered">Questions answered.</param>
/// <param name="Right">Questions answered right.</param>
public sealed record AttemptSummary(long Id, AttemptKind Kind, string? Exam, string? Topic, DateTimeOffset Started, DateTimeOffset? Finished, TimeSpan? TimeLimit, bool TimedOut, int Questions, int Answered, int Right);
