namespace KmsLab.Exam;

/// <summary>The simulator did not do what a question's answer says it does.</summary>
public sealed class DemonstrationFailedException : Exception
{
    /// <summary>A demonstration that failed with <paramref name="message"/>.</summary>
    public DemonstrationFailedException(string message) : base(message) { }

    /// <summary>A demonstration that failed with <paramref name="message"/> because of <paramref name="inner"/>.</summary>
    public DemonstrationFailedException(string message, Exception inner) : base(message, inner) { }
}
