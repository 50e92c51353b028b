namespace KmsLab;

/// <summary>
/// One number the course states about KMS: its value, its unit, what it means and where it comes
/// from. <see cref="KmsFacts.All"/> lists them; each is also a constant of <see cref="KmsFacts"/>
/// (<c>KmsFacts.MaxEncryptPlaintextBytes</c>) so code, lessons and the simulator read the same value.
/// </summary>
/// <param name="Name">The constant's name in <see cref="KmsFacts"/>, e.g. <c>MaxEncryptPlaintextBytes</c>.</param>
/// <param name="Value">The value: an <see cref="int"/> or, for prices, a <see cref="decimal"/> in US dollars.</param>
/// <param name="Unit">The unit of <paramref name="Value"/>: <c>bytes</c>, <c>days</c>, <c>requests/s</c>; for prices (in US dollars) what the price is for, <c>per month</c>…</param>
/// <param name="Meaning">What the number bounds or costs, in one line.</param>
/// <param name="Source">Where it comes from: the API reference, the Developer Guide or the pricing page (with the date it was read).</param>
/// <param name="Lessons">The lessons that teach it (<c>"03"</c>, <c>"04, 10"</c>), or empty if only the exam sheet names it.</param>
/// <param name="Enforced">True if the simulator enforces it (and reads it from this table); a test checks each against the simulator.</param>
public sealed record KmsFact(string Name, object Value, string Unit, string Meaning, string Source, string Lessons, bool Enforced)
{
    /// <summary>The value as a learner reads it: <c>4096</c> (sizes and days as the API reference writes them), <c>5,500</c>, <c>$0.03</c>.</summary>
    public string Display => Value switch
    {
        decimal price => "$" + price.ToString(price == decimal.Truncate(price) ? "0" : "0.00", System.Globalization.CultureInfo.InvariantCulture),
        int n when Unit is not ("bytes" or "days" or "characters") => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(Value, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    /// <summary>The value with its unit: <c>4096 bytes</c>, <c>$0.03 per 10,000 requests</c>.</summary>
    public string DisplayWithUnit => Display + " " + Unit;
}
