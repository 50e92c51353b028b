namespace KmsLab.Simulation.Model;

internal sealed class ReplicateKeyRequest
{
    public string? KeyId { get; set; }
    public string? ReplicaRegion { get; set; }
    public string? Policy { get; set; }
    public bool? BypassPolicyLockoutSafetyCheck { get; set; }
    public string? Description { get; set; }
    public List<Tag>? Tags { get; set; }
}

internal sealed class ReplicateKeyResponse
{
    public KeyMetadata? ReplicaKeyMetadata { get; set; }
    public string? ReplicaPolicy { get; set; }
    public List<Tag>? ReplicaTags { get; set; }
}

internal sealed class UpdatePrimaryRegionRequest
{
    public string? KeyId { get; set; }
    public string? PrimaryRegion { get; set; }
}

/// <summary>KeyMetadata's view of a multi-Region key: present only when <c>MultiRegion</c> is true.</summary>
internal sealed class MultiRegionConfiguration
{
    /// <summary><c>PRIMARY</c> or <c>REPLICA</c>.</summary>
    public string? MultiRegionKeyType { get; set; }
    public MultiRegionKey? PrimaryKey { get; set; }
    public List<MultiRegionKey>? ReplicaKeys { get; set; }
}

internal sealed class MultiRegionKey
{
    public string? Arn { get; set; }
    public string? Region { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public ReplicateKeyRequest? ReplicateKeyRequest { get; set; }
    public ReplicateKeyResponse? ReplicateKeyResponse { get; set; }
    public UpdatePrimaryRegionRequest? UpdatePrimaryRegionRequest { get; set; }
}
