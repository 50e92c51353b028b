using Amazon.Runtime;
using KmsLab.Services;

namespace KmsLab.Lessons;

/// <summary>
/// Runs a call that may fail and shows how it ended — the error code and message exactly as AWS
/// returned them — instead of stopping the notebook:
/// <code>await Outcome.Of(() => kms.EncryptAsync(tooBig))</code>
/// </summary>
public sealed class Outcome : LessonView
{
    private Outcome(bool succeeded, string? errorCode, string? message, object? value)
    {
        Succeeded = succeeded;
        ErrorCode = errorCode;
        Message = message;
        Value = value;
    }

    /// <summary>True when the call returned normally.</summary>
    public bool Succeeded { get; }

    /// <summary>The AWS error code (e.g. <c>ValidationException</c>), or the exception's type name.</summary>
    public string? ErrorCode { get; }

    /// <summary>The error message.</summary>
    public string? Message { get; }

    /// <summary>What the call returned, when it succeeded.</summary>
    public object? Value { get; }

    /// <summary>Runs <paramref name="call"/> and records how it ended.</summary>
    public static async Task<Outcome> Of<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return new Outcome(true, null, null, await call().ConfigureAwait(false));
        }
        catch (Exception e) when (Describe(e) is { } d)
        {
            return new Outcome(false, d.Code, d.Message, null);
        }
    }

    /// <summary>Runs <paramref name="call"/> and records how it ended.</summary>
    public static async Task<Outcome> Of(Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call().ConfigureAwait(false);
            return new Outcome(true, null, null, null);
        }
        catch (Exception e) when (Describe(e) is { } d)
        {
            return new Outcome(false, d.Code, d.Message, null);
        }
    }

    private static (string Code, string Message)? Describe(Exception e) => e switch
    {
        AmazonServiceException aws => (aws.ErrorCode ?? aws.GetType().Name, aws.Message),
        S3Exception s3 => (s3.ErrorCode, s3.Message),
        ArgumentException or InvalidOperationException or System.Security.Cryptography.CryptographicException or NotSupportedException => (e.GetType().Name, e.Message),
        _ => null,
    };

    /// <inheritdoc />
    public override string ToPlainText() => Succeeded ? "✔ The call succeeded." : $"✘ {ErrorCode}: {Message}";

    /// <inheritdoc />
    public override string ToHtml() => Succeeded
        ? "<div style=\"border-left:5px solid #2e7d32;padding:4px 10px;background:#e8f5e9;color:#222\">✔ The call succeeded.</div>"
        : $"<div style=\"border-left:5px solid #c62828;padding:4px 10px;background:#fdecea;color:#222\">✘ <strong>{E(ErrorCode)}</strong>: {E(Message)}</div>";
}
