using KmsLab.Simulation;
using KmsLab.Simulation.Model;

namespace KmsLab.Audit;

/// <summary>
/// What CloudTrail records of a KMS call beyond what the caller sent: the values KMS chose for the
/// members the caller left out, and the key material the call used. Applied to the request's audit
/// copy (secrets are stripped from it as the catalogue's <c>RequestSecrets</c> say) once the
/// operation has answered, or failed.
/// </summary>
/// <remarks>
/// Field by field as the KMS Developer Guide's examples show them ("Logging AWS KMS API calls with AWS
/// CloudTrail", one page per operation):
/// <list type="bullet">
/// <item>https://docs.aws.amazon.com/kms/latest/developerguide/ct-decrypt.html: "The CloudTrail log entry
/// for a Decrypt operation always includes the encryptionAlgorithm in the requestParameters even if the
/// encryption algorithm wasn't specified in the request", and its <c>keyId</c> is the key's ARN; the
/// ciphertext and the plaintext are omitted; <c>additionalEventData.keyMaterialId</c>.</item>
/// <item>https://docs.aws.amazon.com/kms/latest/developerguide/ct-encrypt.html: <c>encryptionAlgorithm</c>
/// <c>SYMMETRIC_DEFAULT</c>, <c>responseElements</c> null, <c>additionalEventData.keyMaterialId</c>.</item>
/// <item>https://docs.aws.amazon.com/kms/latest/developerguide/ct-generatedatakey.html: <c>keyId</c>,
/// <c>keySpec</c> (or <c>numberOfBytes</c>), <c>encryptionContext</c>; <c>keyMaterialId</c>.</item>
/// <item>https://docs.aws.amazon.com/kms/latest/developerguide/ct-createkey.html: <c>description</c>
/// (<c>""</c> when none), <c>origin</c>, <c>bypassPolicyLockoutSafetyCheck</c> (false), <c>customerMasterKeySpec</c>,
/// <c>keySpec</c>, <c>keyUsage</c>, whether given or not; <c>responseElements.keyMetadata</c>.</item>
/// </list>
/// </remarks>
internal static class CloudTrailFacts
{
    /// <summary>Fills the request's audit copy with what CloudTrail records though the caller left it out.</summary>
    /// <param name="request">The request, about to be serialized for the audit trail (its secrets already removed).</param>
    /// <param name="response">The operation's answer, or null if it failed.</param>
    public static void CompleteRequest(object request, object? response)
    {
        switch (request)
        {
            case EncryptRequest encrypt:
                encrypt.EncryptionAlgorithm ??= (response as EncryptResponse)?.EncryptionAlgorithm ?? EncryptionAlgorithms.SymmetricDefault;
                break;
            case DecryptRequest decrypt:
                var decrypted = response as DecryptResponse;
                decrypt.EncryptionAlgorithm ??= decrypted?.EncryptionAlgorithm ?? EncryptionAlgorithms.SymmetricDefault;
                decrypt.KeyId ??= decrypted?.KeyId;
                break;
            case ReEncryptRequest reEncrypt:
                var reEncrypted = response as ReEncryptResponse;
                reEncrypt.SourceEncryptionAlgorithm ??= reEncrypted?.SourceEncryptionAlgorithm ?? EncryptionAlgorithms.SymmetricDefault;
                reEncrypt.DestinationEncryptionAlgorithm ??= reEncrypted?.DestinationEncryptionAlgorithm ?? EncryptionAlgorithms.SymmetricDefault;
                break;
            case CreateKeyRequest create when (response as KeyMetadataResponse)?.KeyMetadata is { } metadata:
                create.Description ??= metadata.Description ?? "";
                create.Origin ??= metadata.Origin;
                create.BypassPolicyLockoutSafetyCheck ??= false;
                create.CustomerMasterKeySpec ??= metadata.CustomerMasterKeySpec;
                create.KeySpec ??= metadata.KeySpec;
                create.KeyUsage ??= metadata.KeyUsage;
                break;
        }
    }

    /// <summary>
    /// CloudTrail's <c>additionalEventData</c> key material: <c>keyMaterialId</c>, the material a
    /// cryptographic call used with a symmetric encryption key (the one it encrypted under, or the one
    /// that decrypted); for ReEncrypt (ct-reencrypt.html) <c>destinationKeyMaterialId</c> and
    /// <c>sourceKeyMaterialId</c>. Nulls where there is none.
    /// </summary>
    public static (string? Material, string? SourceMaterial) KeyMaterialIds(object? response) => response switch
    {
        EncryptResponse encrypt => (encrypt.KeyMaterialId, null),
        DecryptResponse decrypt => (decrypt.KeyMaterialId, null),
        GenerateDataKeyResponse dataKey => (dataKey.KeyMaterialId, null),
        GenerateDataKeyPairResponse pair => (pair.KeyMaterialId, null),
        ReEncryptResponse reEncrypt => (reEncrypt.DestinationKeyMaterialId, reEncrypt.SourceKeyMaterialId),
        _ => (null, null),
    };
}
