namespace KmsLab.Exam;

/// <summary>One option of a bank question, with why it is right or wrong.</summary>
/// <param name="Text">The option as a candidate reads it.</param>
/// <param name="Correct">True for the right option (or one of the right set of a "choose two").</param>
/// <param name="Why">Why it is right, or why it is wrong.</param>
public sealed record ExamChoice(string Text, bool Correct, string Why);
