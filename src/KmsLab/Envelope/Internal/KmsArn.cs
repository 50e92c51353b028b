namespace KmsLab.Envelope.Internal;

/// <summary>A KMS ARN as the ESDK reads it (framework/aws-kms/aws-kms-key-arn.md).</summary>
internal sealed record KmsArn(string Partition, string Region, string Account, string ResourceType, string ResourceId)
{
    /// <summary>
    /// <c>arn:partition:kms:region:account:type/id</c> with 5 colons, non-empty parts, service
    /// <c>kms</c>, resource type <c>key</c> or <c>alias</c> and a non-empty resource id.
    /// </summary>
    public static KmsArn? TryParse(string? s)
    {
        if (s is null) return null;
        var parts = s.Split(':');
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "kms") return null;
        if (parts[1].Length == 0 || parts[3].Length == 0 || parts[4].Length == 0) return null;
        int slash = parts[5].IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == parts[5].Length - 1) return null;
        string type = parts[5][..slash];
        if (type is not ("key" or "alias")) return null;
        return new KmsArn(parts[1], parts[3], parts[4], type, parts[5][(slash + 1)..]);
    }

    public static bool IsKeyArn(string? s) => TryParse(s) is { ResourceType: "key" };
}
