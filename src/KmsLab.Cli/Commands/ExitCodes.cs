namespace KmsLab.Cli.Commands;

/// <summary>The exit codes of every <c>kmslab</c> command.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked (every notebook passed, every file was written, every check went as intended).</summary>
    public const int Success = 0;

    /// <summary>
    /// The work failed: a notebook cell failed, KMS refused a call, a message did not verify, a
    /// check did not go as intended, generated files are stale, the server could not start.
    /// </summary>
    public const int Failed = 1;

    /// <summary>The command line, its files or its settings were unusable (a bad option, a missing input, no Region...).</summary>
    public const int Usage = 2;
}
