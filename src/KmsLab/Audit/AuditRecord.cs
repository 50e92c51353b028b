using KmsLab.Simulation.Operations;

namespace KmsLab.Audit;

/// <summary>What the protocol adapter hands the audit trail for one call; the trail copies what it keeps.</summary>
internal readonly ref struct AuditRecord
{
    public required DateTimeOffset Time { get; init; }
    public required KmsOperation Operation { get; init; }
    public required string Region { get; init; }
    public required AuditIdentity Identity { get; init; }
    public string? ViaService { get; init; }
    public required string SourceIp { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public required IReadOnlyList<string> Resources { get; init; }
    public required Guid RequestId { get; init; }
    public required Guid EventId { get; init; }
    public required string RecipientAccountId { get; init; }
    public ReadOnlySpan<byte> Request { get; init; }
    public ReadOnlySpan<byte> Response { get; init; }
    public string? UserAgent { get; init; }
    public string? KeyMaterialId { get; init; }
    public string? SourceKeyMaterialId { get; init; }
    public Guid? SharedEventId { get; init; }
}
