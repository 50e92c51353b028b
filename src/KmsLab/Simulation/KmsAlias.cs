namespace KmsLab.Simulation;

/// <summary>An alias: a friendly name (<c>alias/...</c>) pointing at one key in the same account and Region.</summary>
internal sealed class KmsAlias(string name, string arn, KmsKey target, DateTimeOffset created)
{
    public string Name { get; } = name;
    public string Arn { get; } = arn;
    public KmsKey Target { get; set; } = target;
    public DateTimeOffset CreationDate { get; } = created;
    public DateTimeOffset LastUpdatedDate { get; set; } = created;
}
