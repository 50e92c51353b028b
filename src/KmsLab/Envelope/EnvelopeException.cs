namespace KmsLab.Envelope;

/// <summary>
/// The root of every error raised by envelope encryption and decryption: a message that cannot be
/// decrypted, a data key that no KMS key could provide, or a limit that was exceeded.
/// </summary>
/// <remarks>
/// Errors from KMS itself (for example <c>AccessDeniedException</c>) are kept as
/// <see cref="Exception.InnerException"/>. Invalid arguments are still reported with
/// <see cref="ArgumentException"/>.
/// </remarks>
public class EnvelopeException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public EnvelopeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EnvelopeException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>
/// The input is not a well-formed message this library accepts: wrong or unsupported version,
/// suite, content type or frame length; out-of-order frames; truncation; trailing data.
/// </summary>
public sealed class EnvelopeFormatException : EnvelopeException
{
    /// <summary>Creates the exception with a message.</summary>
    public EnvelopeFormatException(string message) : base(message) { }
}

/// <summary>
/// The message is well formed but does not authenticate: key commitment mismatch, header or frame
/// authentication tag failure, or an invalid signature. It was altered, or it was not produced
/// with the data key it names.
/// </summary>
public sealed class EnvelopeAuthenticationException : EnvelopeException
{
    /// <summary>Creates the exception with a message.</summary>
    public EnvelopeAuthenticationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EnvelopeAuthenticationException(string message, Exception? innerException) : base(message, innerException) { }
}
