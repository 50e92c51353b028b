namespace KmsLab.Simulation;

/// <summary>
/// The multi-Region condition keys a request supplies itself: <c>kms:MultiRegion</c> and
/// <c>kms:MultiRegionKeyType</c> for CreateKey (and ReplicateKey's kms:CreateKey in the replica's
/// Region), <c>kms:ReplicaRegion</c> for ReplicateKey, <c>kms:PrimaryRegion</c> for
/// UpdatePrimaryRegion. On every other request the key supplies kms:MultiRegion and
/// kms:MultiRegionKeyType (<see cref="Policies.AccessRequest"/>).
/// </summary>
internal static class MultiRegionConditions
{
    public const string MultiRegion = "kms:MultiRegion";
    public const string MultiRegionKeyType = "kms:MultiRegionKeyType";
    public const string ReplicaRegion = "kms:ReplicaRegion";
    public const string PrimaryRegion = "kms:PrimaryRegion";

    /// <summary>CreateKey's conditions: whether it creates a multi-Region (primary) key, with the request's tag conditions.</summary>
    public static Dictionary<string, IReadOnlyList<string>> ForCreateKey(bool multiRegion, Dictionary<string, IReadOnlyList<string>>? tagConditions, string keyType = MultiRegionSet.Primary)
    {
        var conditions = tagConditions ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        conditions[MultiRegion] = [multiRegion ? "true" : "false"];
        if (multiRegion) conditions[MultiRegionKeyType] = [keyType];
        return conditions;
    }

    public static Dictionary<string, IReadOnlyList<string>> Single(string conditionKey, string value) =>
        new(StringComparer.OrdinalIgnoreCase) { [conditionKey] = [value] };
}
