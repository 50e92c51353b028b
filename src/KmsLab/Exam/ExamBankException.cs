namespace KmsLab.Exam;

/// <summary>A topic file of the bank is malformed; the message names the file and line and says what is wrong.</summary>
public sealed class ExamBankException : Exception
{
    /// <summary>A problem at <paramref name="where"/>.</summary>
    public ExamBankException(BankLocation where, string problem) : base($"{where}: {problem}") => Where = where;

    /// <summary>The file and line.</summary>
    public BankLocation Where { get; }
}
