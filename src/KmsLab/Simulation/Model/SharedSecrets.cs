namespace KmsLab.Simulation.Model;

internal sealed class DeriveSharedSecretRequest
{
    public string? KeyId { get; set; }
    public string? KeyAgreementAlgorithm { get; set; }
    public byte[]? PublicKey { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
    public RecipientInfo? Recipient { get; set; }
}

internal sealed class DeriveSharedSecretResponse
{
    public string? KeyId { get; set; }
    public byte[]? SharedSecret { get; set; }
    public byte[]? CiphertextForRecipient { get; set; }
    public string? KeyAgreementAlgorithm { get; set; }
    public string? KeyOrigin { get; set; }
}

internal sealed class EncapsulateRequest
{
    public string? KeyId { get; set; }
    public string? EncapsulationAlgorithm { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class EncapsulateResponse
{
    public byte[]? SharedSecret { get; set; }
    public byte[]? SharedSecretCiphertextBlob { get; set; }
    public string? KeyId { get; set; }
    public string? EncapsulationAlgorithm { get; set; }
}

internal sealed class DecapsulateRequest
{
    public string? KeyId { get; set; }
    public byte[]? SharedSecretCiphertextBlob { get; set; }
    public string? EncapsulationAlgorithm { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class DecapsulateResponse
{
    public byte[]? SharedSecret { get; set; }
    public string? KeyId { get; set; }
    public string? EncapsulationAlgorithm { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public DeriveSharedSecretRequest? DeriveSharedSecretRequest { get; set; }
    public DeriveSharedSecretResponse? DeriveSharedSecretResponse { get; set; }
    public EncapsulateRequest? EncapsulateRequest { get; set; }
    public EncapsulateResponse? EncapsulateResponse { get; set; }
    public DecapsulateRequest? DecapsulateRequest { get; set; }
    public DecapsulateResponse? DecapsulateResponse { get; set; }
}
