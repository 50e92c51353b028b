namespace KmsLab.Envelope.Internal;

/// <summary>One encrypted data key entry of the header (framework/structures.md#encrypted-data-key).</summary>
internal sealed record EncryptedDataKey(string ProviderId, byte[] ProviderInfo, byte[] Ciphertext)
{
    /// <summary>The provider info read as UTF-8 text (for aws-kms: the key ARN), or null if it is not text.</summary>
    public string? ProviderInfoText
    {
        get
        {
            try { return MessageFormat.StrictUtf8.GetString(ProviderInfo); }
            catch (System.Text.DecoderFallbackException) { return null; }
        }
    }
}
