namespace KmsLab.Exam;

/// <summary>One topic file of the bank.</summary>
/// <param name="Name">The file's name without <c>.json</c>, e.g. <c>envelope-encryption</c>.</param>
/// <param name="Title">The topic as a learner reads it.</param>
/// <param name="File">Where it was read from.</param>
public sealed record ExamTopic(string Name, string Title, string File);
