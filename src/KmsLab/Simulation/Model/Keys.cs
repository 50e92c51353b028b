namespace KmsLab.Simulation.Model;

internal sealed class CreateKeyRequest
{
    public string? Policy { get; set; }
    public string? Description { get; set; }
    public string? KeyUsage { get; set; }
    public string? CustomerMasterKeySpec { get; set; }
    public string? KeySpec { get; set; }
    public string? Origin { get; set; }
    public string? CustomKeyStoreId { get; set; }
    public bool? BypassPolicyLockoutSafetyCheck { get; set; }
    public List<Tag>? Tags { get; set; }
    public bool? MultiRegion { get; set; }
    public string? XksKeyId { get; set; }
}

internal sealed class KeyMetadataResponse
{
    public KeyMetadata? KeyMetadata { get; set; }
}

internal sealed class DescribeKeyRequest
{
    public string? KeyId { get; set; }
    public List<string>? GrantTokens { get; set; }
}

internal sealed class ListKeysRequest
{
    public int? Limit { get; set; }
    public string? Marker { get; set; }
}

internal sealed class KeyListEntry
{
    public string? KeyId { get; set; }
    public string? KeyArn { get; set; }
}

internal sealed class ListKeysResponse
{
    public List<KeyListEntry>? Keys { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

internal sealed class UpdateKeyDescriptionRequest
{
    public string? KeyId { get; set; }
    public string? Description { get; set; }
}

internal sealed class ScheduleKeyDeletionRequest
{
    public string? KeyId { get; set; }
    public int? PendingWindowInDays { get; set; }
}

internal sealed class ScheduleKeyDeletionResponse
{
    public string? KeyId { get; set; }
    public DateTimeOffset? DeletionDate { get; set; }
    public string? KeyState { get; set; }
    public int? PendingWindowInDays { get; set; }
}

internal sealed class GetKeyLastUsageRequest
{
    public string? KeyId { get; set; }
}

internal sealed class GetKeyLastUsageResponse
{
    public string? KeyId { get; set; }
    public KeyLastUsageData? KeyLastUsage { get; set; }
    public DateTimeOffset? TrackingStartDate { get; set; }
    public DateTimeOffset? KeyCreationDate { get; set; }
}

/// <summary>Empty (<c>{}</c>) when the key has not been used since tracking began.</summary>
internal sealed class KeyLastUsageData
{
    public string? Operation { get; set; }
    public DateTimeOffset? Timestamp { get; set; }
    public string? CloudTrailEventId { get; set; }
    public string? KmsRequestId { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public CreateKeyRequest? CreateKeyRequest { get; set; }
    public KeyMetadataResponse? KeyMetadataResponse { get; set; }
    public DescribeKeyRequest? DescribeKeyRequest { get; set; }
    public ListKeysRequest? ListKeysRequest { get; set; }
    public ListKeysResponse? ListKeysResponse { get; set; }
    public UpdateKeyDescriptionRequest? UpdateKeyDescriptionRequest { get; set; }
    public ScheduleKeyDeletionRequest? ScheduleKeyDeletionRequest { get; set; }
    public ScheduleKeyDeletionResponse? ScheduleKeyDeletionResponse { get; set; }
    public GetKeyLastUsageRequest? GetKeyLastUsageRequest { get; set; }
    public GetKeyLastUsageResponse? GetKeyLastUsageResponse { get; set; }
}
