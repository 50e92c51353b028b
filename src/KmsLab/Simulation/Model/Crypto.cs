namespace KmsLab.Simulation.Model;

internal sealed class EncryptRequest
{
    public string? KeyId { get; set; }
    public byte[]? Plaintext { get; set; }
    public Dictionary<string, string>? EncryptionContext { get; set; }
    public List<string>? GrantTokens { get; set; }
    public string? EncryptionAlgorithm { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class EncryptResponse
{
    public byte[]? CiphertextBlob { get; set; }
    public string? KeyId { get; set; }
    public string? EncryptionAlgorithm { get; set; }

    /// <summary>
    /// The symmetric key material the plaintext was encrypted under. Not on the wire (KMS's
    /// EncryptResponse has no such member; non-public members are never serialized): it is what
    /// CloudTrail records as <c>additionalEventData.keyMaterialId</c>.
    /// </summary>
    internal string? KeyMaterialId { get; init; }
}

internal sealed class DecryptRequest
{
    public byte[]? CiphertextBlob { get; set; }
    public Dictionary<string, string>? EncryptionContext { get; set; }
    public List<string>? GrantTokens { get; set; }
    public string? KeyId { get; set; }
    public string? EncryptionAlgorithm { get; set; }
    public RecipientInfo? Recipient { get; set; }
    public bool? DryRun { get; set; }
    public List<string>? DryRunModifiers { get; set; }
}

internal sealed class RecipientInfo
{
    public string? KeyEncryptionAlgorithm { get; set; }
    public byte[]? AttestationDocument { get; set; }
}

internal sealed class DecryptResponse
{
    public string? KeyId { get; set; }
    public byte[]? Plaintext { get; set; }
    public string? EncryptionAlgorithm { get; set; }
    public string? KeyMaterialId { get; set; }
}

internal sealed class ReEncryptRequest
{
    public byte[]? CiphertextBlob { get; set; }
    public Dictionary<string, string>? SourceEncryptionContext { get; set; }
    public string? SourceKeyId { get; set; }
    public string? DestinationKeyId { get; set; }
    public Dictionary<string, string>? DestinationEncryptionContext { get; set; }
    public string? SourceEncryptionAlgorithm { get; set; }
    public string? DestinationEncryptionAlgorithm { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
    public List<string>? DryRunModifiers { get; set; }
}

internal sealed class ReEncryptResponse
{
    public byte[]? CiphertextBlob { get; set; }
    public string? SourceKeyId { get; set; }
    public string? KeyId { get; set; }
    public string? SourceEncryptionAlgorithm { get; set; }
    public string? DestinationEncryptionAlgorithm { get; set; }
    public string? SourceKeyMaterialId { get; set; }
    public string? DestinationKeyMaterialId { get; set; }
}

internal sealed class GenerateDataKeyRequest
{
    public string? KeyId { get; set; }
    public Dictionary<string, string>? EncryptionContext { get; set; }
    public int? NumberOfBytes { get; set; }
    public string? KeySpec { get; set; }
    public List<string>? GrantTokens { get; set; }
    public RecipientInfo? Recipient { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class GenerateDataKeyResponse
{
    public byte[]? CiphertextBlob { get; set; }
    public byte[]? Plaintext { get; set; }
    public string? KeyId { get; set; }
    public string? KeyMaterialId { get; set; }
}

internal sealed class GenerateRandomRequest
{
    public int? NumberOfBytes { get; set; }
    public string? CustomKeyStoreId { get; set; }
    public RecipientInfo? Recipient { get; set; }
}

internal sealed class GenerateRandomResponse
{
    public byte[]? Plaintext { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public EncryptRequest? EncryptRequest { get; set; }
    public EncryptResponse? EncryptResponse { get; set; }
    public DecryptRequest? DecryptRequest { get; set; }
    public DecryptResponse? DecryptResponse { get; set; }
    public ReEncryptRequest? ReEncryptRequest { get; set; }
    public ReEncryptResponse? ReEncryptResponse { get; set; }
    public GenerateDataKeyRequest? GenerateDataKeyRequest { get; set; }
    public GenerateDataKeyResponse? GenerateDataKeyResponse { get; set; }
    public GenerateRandomRequest? GenerateRandomRequest { get; set; }
    public GenerateRandomResponse? GenerateRandomResponse { get; set; }
}
