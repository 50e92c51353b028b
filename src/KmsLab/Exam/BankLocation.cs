namespace KmsLab.Exam;

/// <summary>Where something in the bank was written: a topic file and a line in it.</summary>
/// <param name="File">The topic file (its path on disk, or <c>exam-bank/&lt;topic&gt;.json</c> for the bank KmsLab ships).</param>
/// <param name="Line">The line, from 1.</param>
public sealed record BankLocation(string File, int Line)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}";
}
