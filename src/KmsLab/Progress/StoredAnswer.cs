namespace KmsLab.Progress;

/// <summary>One answer as stored.</summary>
/// <param name="AttemptId">The attempt it was given in.</param>
/// <param name="Position">Its place in the attempt, from 1.</param>
/// <param name="QuestionId">The bank question.</param>
/// <param name="ShownOrder">The order its choices were shown in, as the indexes of the bank's order (<c>2,0,3,1</c>).</param>
/// <param name="Answer">The letters chosen as shown, or null if left unanswered.</param>
/// <param name="Correct">Whether it was right.</param>
/// <param name="Flagged">Whether the candidate flagged it for review.</param>
/// <param name="Time">Time spent on it.</param>
/// <param name="AnsweredAt">When it was recorded.</param>
public sealed record StoredAnswer(long AttemptId, int Position, string QuestionId, string ShownOrder, string? Answer, bool Correct, bool Flagged, TimeSpan Time, DateTimeOffset AnsweredAt);
