namespace KmsLab.Simulation.Model;

internal sealed class SignRequest
{
    public string? KeyId { get; set; }
    public byte[]? Message { get; set; }
    public string? MessageType { get; set; }
    public List<string>? GrantTokens { get; set; }
    public string? SigningAlgorithm { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class SignResponse
{
    public string? KeyId { get; set; }
    public byte[]? Signature { get; set; }
    public string? SigningAlgorithm { get; set; }
}

internal sealed class VerifyRequest
{
    public string? KeyId { get; set; }
    public byte[]? Message { get; set; }
    public string? MessageType { get; set; }
    public byte[]? Signature { get; set; }
    public string? SigningAlgorithm { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class VerifyResponse
{
    public string? KeyId { get; set; }
    public bool SignatureValid { get; set; }
    public string? SigningAlgorithm { get; set; }
}

internal sealed class GenerateMacRequest
{
    public byte[]? Message { get; set; }
    public string? KeyId { get; set; }
    public string? MacAlgorithm { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class GenerateMacResponse
{
    public byte[]? Mac { get; set; }
    public string? MacAlgorithm { get; set; }
    public string? KeyId { get; set; }
}

internal sealed class VerifyMacRequest
{
    public byte[]? Message { get; set; }
    public string? KeyId { get; set; }
    public string? MacAlgorithm { get; set; }
    public byte[]? Mac { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class VerifyMacResponse
{
    public string? KeyId { get; set; }
    public bool MacValid { get; set; }
    public string? MacAlgorithm { get; set; }
}

internal sealed class GetPublicKeyRequest
{
    public string? KeyId { get; set; }
    public List<string>? GrantTokens { get; set; }
}

internal sealed class GetPublicKeyResponse
{
    public string? KeyId { get; set; }
    public byte[]? PublicKey { get; set; }
    public string? CustomerMasterKeySpec { get; set; }
    public string? KeySpec { get; set; }
    public string? KeyUsage { get; set; }
    public List<string>? EncryptionAlgorithms { get; set; }
    public List<string>? SigningAlgorithms { get; set; }
    public List<string>? KeyAgreementAlgorithms { get; set; }
    public List<string>? EncapsulationAlgorithms { get; set; }
}

/// <summary>The input of GenerateDataKeyPair and of GenerateDataKeyPairWithoutPlaintext (which has no Recipient).</summary>
internal sealed class GenerateDataKeyPairRequest
{
    public Dictionary<string, string>? EncryptionContext { get; set; }
    public string? KeyId { get; set; }
    public string? KeyPairSpec { get; set; }
    public List<string>? GrantTokens { get; set; }
    public RecipientInfo? Recipient { get; set; }
    public bool? DryRun { get; set; }
}

/// <summary>The output of GenerateDataKeyPair and, without PrivateKeyPlaintext, of GenerateDataKeyPairWithoutPlaintext.</summary>
internal sealed class GenerateDataKeyPairResponse
{
    public byte[]? PrivateKeyCiphertextBlob { get; set; }
    public byte[]? PrivateKeyPlaintext { get; set; }
    public byte[]? PublicKey { get; set; }
    public string? KeyId { get; set; }
    public string? KeyPairSpec { get; set; }
    public string? KeyMaterialId { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public SignRequest? SignRequest { get; set; }
    public SignResponse? SignResponse { get; set; }
    public VerifyRequest? VerifyRequest { get; set; }
    public VerifyResponse? VerifyResponse { get; set; }
    public GetPublicKeyRequest? GetPublicKeyRequest { get; set; }
    public GetPublicKeyResponse? GetPublicKeyResponse { get; set; }
    public GenerateMacRequest? GenerateMacRequest { get; set; }
    public GenerateMacResponse? GenerateMacResponse { get; set; }
    public VerifyMacRequest? VerifyMacRequest { get; set; }
    public VerifyMacResponse? VerifyMacResponse { get; set; }
    public GenerateDataKeyPairRequest? GenerateDataKeyPairRequest { get; set; }
    public GenerateDataKeyPairResponse? GenerateDataKeyPairResponse { get; set; }
}
