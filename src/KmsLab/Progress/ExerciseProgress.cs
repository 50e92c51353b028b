namespace KmsLab.Progress;

/// <summary>How a lesson's exercise stands in the learner's progress file.</summary>
/// <param name="Exercise">Its key: the lesson number (<c>"14"</c>), or its name.</param>
/// <param name="Title">The exercise as the learner reads it.</param>
/// <param name="Checks">How many times its check ran.</param>
/// <param name="FirstPassed">When its check first passed; null if never.</param>
/// <param name="LastChecked">When its check last ran.</param>
/// <param name="LastPassed">Whether that last run passed.</param>
public sealed record ExerciseProgress(string Exercise, string Title, int Checks, DateTimeOffset? FirstPassed, DateTimeOffset LastChecked, bool LastPassed)
{
    /// <summary>Done: the check passed at least once.</summary>
    public bool Done => FirstPassed is not null;
}
