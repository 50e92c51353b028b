namespace KmsLab.Simulation.Model;

internal sealed class GrantConstraints
{
    public Dictionary<string, string>? EncryptionContextSubset { get; set; }
    public Dictionary<string, string>? EncryptionContextEquals { get; set; }
    public string? SourceArn { get; set; }
}

internal sealed class CreateGrantRequest
{
    public string? KeyId { get; set; }
    public string? GranteePrincipal { get; set; }
    public string? RetiringPrincipal { get; set; }
    public string? GranteeServicePrincipal { get; set; }
    public string? RetiringServicePrincipal { get; set; }
    public List<string>? Operations { get; set; }
    public GrantConstraints? Constraints { get; set; }
    public List<string>? GrantTokens { get; set; }
    public string? Name { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class CreateGrantResponse
{
    public string? GrantToken { get; set; }
    public string? GrantId { get; set; }
}

internal sealed class ListGrantsRequest
{
    public int? Limit { get; set; }
    public string? Marker { get; set; }
    public string? KeyId { get; set; }
    public string? GrantId { get; set; }
    public string? GranteePrincipal { get; set; }
    public string? GranteeServicePrincipal { get; set; }
}

internal sealed class ListRetirableGrantsRequest
{
    public int? Limit { get; set; }
    public string? Marker { get; set; }
    public string? RetiringPrincipal { get; set; }
    public string? RetiringServicePrincipal { get; set; }
}

internal sealed class GrantListEntry
{
    public string? KeyId { get; set; }
    public string? GrantId { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public string? GranteePrincipal { get; set; }
    public string? RetiringPrincipal { get; set; }
    public string? IssuingAccount { get; set; }
    public List<string>? Operations { get; set; }
    public GrantConstraints? Constraints { get; set; }
    public string? GranteeServicePrincipal { get; set; }
    public string? RetiringServicePrincipal { get; set; }
}

internal sealed class ListGrantsResponse
{
    public List<GrantListEntry>? Grants { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

internal sealed class RetireGrantRequest
{
    public string? GrantToken { get; set; }
    public string? KeyId { get; set; }
    public string? GrantId { get; set; }
    public bool? DryRun { get; set; }
}

internal sealed class RevokeGrantRequest
{
    public string? KeyId { get; set; }
    public string? GrantId { get; set; }
    public bool? DryRun { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public CreateGrantRequest? CreateGrantRequest { get; set; }
    public CreateGrantResponse? CreateGrantResponse { get; set; }
    public ListGrantsRequest? ListGrantsRequest { get; set; }
    public ListRetirableGrantsRequest? ListRetirableGrantsRequest { get; set; }
    public ListGrantsResponse? ListGrantsResponse { get; set; }
    public RetireGrantRequest? RetireGrantRequest { get; set; }
    public RevokeGrantRequest? RevokeGrantRequest { get; set; }
}
