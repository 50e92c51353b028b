namespace KmsLab.Simulation.Model;

internal sealed class AliasRequest
{
    public string? AliasName { get; set; }
    public string? TargetKeyId { get; set; }
}

internal sealed class ListAliasesRequest
{
    public string? KeyId { get; set; }
    public int? Limit { get; set; }
    public string? Marker { get; set; }
}

internal sealed class AliasListEntry
{
    public string? AliasName { get; set; }
    public string? AliasArn { get; set; }
    public string? TargetKeyId { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public DateTimeOffset? LastUpdatedDate { get; set; }
}

internal sealed class ListAliasesResponse
{
    public List<AliasListEntry>? Aliases { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public AliasRequest? AliasRequest { get; set; }
    public ListAliasesRequest? ListAliasesRequest { get; set; }
    public ListAliasesResponse? ListAliasesResponse { get; set; }
}
