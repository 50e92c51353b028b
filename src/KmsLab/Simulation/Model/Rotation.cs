namespace KmsLab.Simulation.Model;

internal sealed class EnableKeyRotationRequest
{
    public string? KeyId { get; set; }
    public int? RotationPeriodInDays { get; set; }
}

internal sealed class GetKeyRotationStatusResponse
{
    public bool KeyRotationEnabled { get; set; }
    public string? KeyId { get; set; }
    public int? RotationPeriodInDays { get; set; }
    public DateTimeOffset? NextRotationDate { get; set; }
    public DateTimeOffset? OnDemandRotationStartDate { get; set; }
}

internal sealed class ListKeyRotationsRequest
{
    public string? KeyId { get; set; }
    public string? IncludeKeyMaterial { get; set; }
    public int? Limit { get; set; }
    public string? Marker { get; set; }
}

internal sealed class RotationsListEntry
{
    public string? KeyId { get; set; }
    public string? KeyMaterialId { get; set; }
    public string? KeyMaterialDescription { get; set; }
    public string? ImportState { get; set; }
    public string? KeyMaterialState { get; set; }
    public string? ExpirationModel { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public DateTimeOffset? RotationDate { get; set; }
    public string? RotationType { get; set; }
}

internal sealed class ListKeyRotationsResponse
{
    public List<RotationsListEntry>? Rotations { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public EnableKeyRotationRequest? EnableKeyRotationRequest { get; set; }
    public GetKeyRotationStatusResponse? GetKeyRotationStatusResponse { get; set; }
    public ListKeyRotationsRequest? ListKeyRotationsRequest { get; set; }
    public ListKeyRotationsResponse? ListKeyRotationsResponse { get; set; }
}
