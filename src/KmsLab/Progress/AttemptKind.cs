namespace KmsLab.Progress;

/// <summary>What an attempt was.</summary>
public enum AttemptKind
{
    /// <summary><c>kmslab exam practice</c>: untimed, by topic or exam, the answer shown after each question.</summary>
    Practice,

    /// <summary><c>kmslab exam mock</c>: timed at the real exam's pacing, scored at the end.</summary>
    Mock,

    /// <summary><c>kmslab exam review</c>: the missed questions that are due.</summary>
    Review,

    /// <summary>A lesson's "Check your understanding" or lesson 09's exam, in a notebook.</summary>
    Lesson,
}
