namespace KmsLab.Simulation.Model;

// Operation shapes named as in the KMS service model (and the SDK's classes). Members are nullable
// because the wire may omit any of them; the engine validates what the model requires.
// Shapes here are shared by several operations.

/// <summary>
/// Every operation shape, as one property each. The wire adapter registers this one type for
/// source-generated JSON, and the generator reaches every shape through it, so a shape is
/// registered where it is declared: each feature's shapes file lists its own shapes here.
/// </summary>
internal sealed partial class OperationShapes;

internal sealed class KeyIdRequest
{
    public string? KeyId { get; set; }
}

internal sealed class KeyIdResponse
{
    public string? KeyId { get; set; }
}

/// <summary>The output of operations that return nothing: serialised as <c>{}</c>.</summary>
internal sealed class EmptyResponse
{
    public static readonly EmptyResponse Instance = new();
}

internal sealed class Tag
{
    public string? TagKey { get; set; }
    public string? TagValue { get; set; }

    public override string ToString() => $"Tag(TagKey={TagKey}, TagValue={TagValue})";
}

internal sealed class KeyMetadata
{
    public string? AWSAccountId { get; set; }
    public string? KeyId { get; set; }
    public string? Arn { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public bool Enabled { get; set; }
    public string? Description { get; set; }
    public string? KeyUsage { get; set; }
    public string? KeyState { get; set; }
    public DateTimeOffset? DeletionDate { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public string? Origin { get; set; }
    public string? ExpirationModel { get; set; }
    public string? KeyManager { get; set; }
    public string? CustomerMasterKeySpec { get; set; }
    public string? KeySpec { get; set; }
    public List<string>? EncryptionAlgorithms { get; set; }
    public List<string>? SigningAlgorithms { get; set; }
    public List<string>? MacAlgorithms { get; set; }
    public List<string>? KeyAgreementAlgorithms { get; set; }
    public List<string>? EncapsulationAlgorithms { get; set; }
    public bool? MultiRegion { get; set; }
    public MultiRegionConfiguration? MultiRegionConfiguration { get; set; }
    public int? PendingDeletionWindowInDays { get; set; }
    public string? CurrentKeyMaterialId { get; set; }
    public string? CustomKeyStoreId { get; set; }
    public XksKeyConfiguration? XksKeyConfiguration { get; set; }
    public string? CloudHsmClusterId { get; set; }
}

internal sealed class XksKeyConfiguration
{
    public string? Id { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public KeyIdRequest? KeyIdRequest { get; set; }
    public KeyIdResponse? KeyIdResponse { get; set; }
    public EmptyResponse? EmptyResponse { get; set; }
}
