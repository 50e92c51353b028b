namespace KmsLab.Simulation.Model;

internal sealed class GetParametersForImportRequest
{
    public string? KeyId { get; set; }
    public string? WrappingAlgorithm { get; set; }
    public string? WrappingKeySpec { get; set; }
}

internal sealed class GetParametersForImportResponse
{
    public string? KeyId { get; set; }
    public byte[]? ImportToken { get; set; }
    public byte[]? PublicKey { get; set; }
    public DateTimeOffset? ParametersValidTo { get; set; }
}

internal sealed class ImportKeyMaterialRequest
{
    public string? KeyId { get; set; }
    public byte[]? ImportToken { get; set; }
    public byte[]? EncryptedKeyMaterial { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public string? ExpirationModel { get; set; }
    public string? ImportType { get; set; }
    public string? KeyMaterialDescription { get; set; }
    public string? KeyMaterialId { get; set; }
}

internal sealed class ImportKeyMaterialResponse
{
    public string? KeyId { get; set; }
    public string? KeyMaterialId { get; set; }
}

internal sealed class DeleteImportedKeyMaterialRequest
{
    public string? KeyId { get; set; }
    public string? KeyMaterialId { get; set; }
}

internal sealed class DeleteImportedKeyMaterialResponse
{
    public string? KeyId { get; set; }
    public string? KeyMaterialId { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public GetParametersForImportRequest? GetParametersForImportRequest { get; set; }
    public GetParametersForImportResponse? GetParametersForImportResponse { get; set; }
    public ImportKeyMaterialRequest? ImportKeyMaterialRequest { get; set; }
    public ImportKeyMaterialResponse? ImportKeyMaterialResponse { get; set; }
    public DeleteImportedKeyMaterialRequest? DeleteImportedKeyMaterialRequest { get; set; }
    public DeleteImportedKeyMaterialResponse? DeleteImportedKeyMaterialResponse { get; set; }
}
