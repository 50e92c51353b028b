namespace KmsLab.Progress;

/// <summary>The progress file cannot be used (not KmsLab's, damaged, or newer); the message says which, and the file was not changed.</summary>
public sealed class ProgressStoreException : Exception
{
    /// <summary>A refusal saying <paramref name="message"/>.</summary>
    public ProgressStoreException(string message) : base(message) { }

    /// <summary>A refusal saying <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public ProgressStoreException(string message, Exception inner) : base(message, inner) { }
}
