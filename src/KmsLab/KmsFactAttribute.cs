namespace KmsLab;

/// <summary>
/// Marks a constant of <see cref="KmsFacts"/> as a fact and says what it is, so the value is
/// written once (the constant) and its meaning and source sit beside it.
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false)]
internal sealed class KmsFactAttribute(string unit, string meaning, string source) : Attribute
{
    public string Unit { get; } = unit;

    public string Meaning { get; } = meaning;

    public string Source { get; } = source;

    /// <summary>The lessons that teach it (<c>"03"</c>, <c>"04, 10"</c>); empty if none does.</summary>
    public string Lessons { get; init; } = "";

    /// <summary>True if the simulator enforces the value (and reads it from <see cref="KmsFacts"/>).</summary>
    public bool Enforced { get; init; }
}
