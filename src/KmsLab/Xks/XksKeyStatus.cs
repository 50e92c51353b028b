namespace KmsLab.Xks;

/// <summary>The status of an external key in its key manager, as GetKeyMetadata reports it (<c>keyStatus</c>).</summary>
public enum XksKeyStatus
{
    /// <summary><c>ENABLED</c>: the key encrypts and decrypts.</summary>
    Enabled,

    /// <summary><c>DISABLED</c>: the proxy refuses Encrypt and Decrypt with it (InvalidStateException); KMS reports the KMS key as unusable.</summary>
    Disabled,
}
