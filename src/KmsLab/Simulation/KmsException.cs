namespace KmsLab.Simulation;

/// <summary>
/// An error the simulated KMS returns, carrying the AWS error code (for example
/// <c>NotFoundException</c>) and the message AWS would give. The protocol adapter turns it into
/// an HTTP 400 response, so the SDK client throws the same typed exception as against real KMS.
/// </summary>
public sealed class KmsException : Exception
{
    /// <summary>Creates an error with an AWS KMS error code and a message.</summary>
    public KmsException(string errorCode, string message) : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The AWS error code, e.g. <c>NotFoundException</c> or <c>ValidationException</c>.</summary>
    public string ErrorCode { get; }

    internal static KmsException NotFound(string message) => new(KmsErrorCodes.NotFound, message);
    internal static KmsException InvalidState(string message) => new(KmsErrorCodes.InvalidState, message);
    internal static KmsException Validation(string message) => new(KmsErrorCodes.Validation, message);
    internal static KmsException Unsupported(string message) => new(KmsErrorCodes.UnsupportedOperation, message);
}
