namespace KmsLab.Services;

/// <summary>A request to a simulated AWS service that failed: the service's error code, and the KMS error behind it when KMS refused.</summary>
public abstract class SimulatedServiceException(string errorCode, string message, string? kmsErrorCode) : Exception(message)
{
    /// <summary>The service's error code (<c>AccessDenied</c>, <c>DecryptionFailure</c>, <c>KMS.DisabledException</c>…).</summary>
    public string ErrorCode { get; } = errorCode;

    /// <summary>The KMS error behind it, if KMS refused.</summary>
    public string? KmsErrorCode { get; } = kmsErrorCode;
}
