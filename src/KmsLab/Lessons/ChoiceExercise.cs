namespace KmsLab.Lessons;

/// <summary>
/// An exercise that asks for one choice per numbered requirement (lessons 14 and 16): the check
/// passes when every choice is right and otherwise names, for each wrong one, the near miss it is.
/// </summary>
internal sealed class ChoiceExercise<TChoice>
    where TChoice : struct, Enum
{
    public required string Name { get; init; }

    /// <summary>What a requirement is called in the messages ("requirement", "job").</summary>
    public required string Item { get; init; }

    public required IReadOnlyDictionary<int, TChoice> Answers { get; init; }

    /// <summary>Why each wrong choice misses, for every requirement and every wrong choice.</summary>
    public required IReadOnlyDictionary<(int, TChoice), string> Misses { get; init; }

    /// <summary>The hint when no choice is given yet.</summary>
    public required string StartHint { get; init; }

    /// <summary>The hint when some choices are wrong: the question to ask of each requirement.</summary>
    public required string WrongHint { get; init; }

    /// <summary>What a right answer shows.</summary>
    public required string PassMessage { get; init; }

    public CheckResult Check(IReadOnlyDictionary<int, TChoice>? choices)
    {
        if (choices is null || choices.Count == 0) return CheckResult.NotYet(Name, "no choices yet.", StartHint);
        var missing = Answers.Keys.Where(n => !choices.ContainsKey(n)).ToList();
        if (missing.Count > 0) return CheckResult.NotYet(Name, $"{Item} {string.Join(" and ", missing)} has no choice yet.", $"Make a choice for each of the {Answers.Count} {Item}s.");
        var unknown = choices.Keys.Where(n => !Answers.ContainsKey(n)).ToList();
        if (unknown.Count > 0) return CheckResult.NotYet(Name, $"there is no {Item} {string.Join(", ", unknown)}.", $"The {Item}s are numbered 1 to {Answers.Count}.");
        var wrong = Answers.Where(a => !choices[a.Key].Equals(a.Value)).Select(a => $"{a.Key}: {choices[a.Key]} — {Misses[(a.Key, choices[a.Key])]}").ToList();
        if (wrong.Count > 0) return CheckResult.NotYet(Name, $"{Answers.Count - wrong.Count} of {Answers.Count} right; not yet: {string.Join("; ", wrong)}.", WrongHint);
        return CheckResult.Pass(Name, PassMessage);
    }
}
