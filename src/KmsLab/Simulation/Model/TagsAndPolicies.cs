namespace KmsLab.Simulation.Model;

internal sealed class TagResourceRequest
{
    public string? KeyId { get; set; }
    public List<Tag>? Tags { get; set; }
}

internal sealed class UntagResourceRequest
{
    public string? KeyId { get; set; }
    public List<string>? TagKeys { get; set; }
}

internal sealed class PagedKeyRequest
{
    public string? KeyId { get; set; }
    public int? Limit { get; set; }
    public string? Marker { get; set; }
}

internal sealed class ListResourceTagsResponse
{
    public List<Tag>? Tags { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

internal sealed class GetKeyPolicyRequest
{
    public string? KeyId { get; set; }
    public string? PolicyName { get; set; }
}

internal sealed class GetKeyPolicyResponse
{
    public string? Policy { get; set; }
    public string? PolicyName { get; set; }
}

internal sealed class PutKeyPolicyRequest
{
    public string? KeyId { get; set; }
    public string? PolicyName { get; set; }
    public string? Policy { get; set; }
    public bool? BypassPolicyLockoutSafetyCheck { get; set; }
}

internal sealed class ListKeyPoliciesResponse
{
    public List<string>? PolicyNames { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public TagResourceRequest? TagResourceRequest { get; set; }
    public UntagResourceRequest? UntagResourceRequest { get; set; }
    public PagedKeyRequest? PagedKeyRequest { get; set; }
    public ListResourceTagsResponse? ListResourceTagsResponse { get; set; }
    public GetKeyPolicyRequest? GetKeyPolicyRequest { get; set; }
    public GetKeyPolicyResponse? GetKeyPolicyResponse { get; set; }
    public PutKeyPolicyRequest? PutKeyPolicyRequest { get; set; }
    public ListKeyPoliciesResponse? ListKeyPoliciesResponse { get; set; }
}
