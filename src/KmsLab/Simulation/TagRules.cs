using KmsLab.Simulation.Model;

namespace KmsLab.Simulation;

/// <summary>Constraints on KMS tags and how a tag is set (a new value replaces the old one).</summary>
internal static class TagRules
{
    public static void Validate(RequestValidator v, List<Tag>? tags)
    {
        if (tags is null) return;
        for (int i = 0; i < tags.Count; i++)
        {
            string at = $"tags.{i + 1}.member";
            v.Required(tags[i].TagKey, at + ".tagKey").Length(tags[i].TagKey, at + ".tagKey", 1, 128)
             .Required(tags[i].TagValue, at + ".tagValue").Length(tags[i].TagValue, at + ".tagValue", 0, 256);
        }
        v.ThrowIfInvalid();
        if (tags.Count > KmsLimits.MaxTagsPerKey)
        {
            throw new KmsException(KmsErrorCodes.Tag, $"A KMS key can have at most {KmsLimits.MaxTagsPerKey} tags; the request has {tags.Count}.");
        }
        if (tags.FirstOrDefault(t => t.TagKey!.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)) is { } reserved)
        {
            throw new KmsException(KmsErrorCodes.Tag, $"Tag key '{reserved.TagKey}' is not allowed: the prefix 'aws:' is reserved for AWS.");
        }
    }

    /// <summary>
    /// The request-tag condition keys of a request that sets <paramref name="tags"/> (CreateKey,
    /// TagResource): <c>aws:RequestTag/&lt;key&gt;</c> per tag and the multi-valued <c>aws:TagKeys</c>.
    /// </summary>
    public static Dictionary<string, IReadOnlyList<string>>? RequestConditions(List<Tag>? tags)
    {
        if (tags is null || tags.Count == 0) return null;
        var conditions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in tags) conditions["aws:RequestTag/" + tag.TagKey] = [tag.TagValue ?? ""];
        conditions["aws:TagKeys"] = tags.Select(t => t.TagKey!).Distinct(StringComparer.Ordinal).ToList();
        return conditions;
    }

    public static void Set(KmsKey key, string tagKey, string value)
    {
        int i = key.Tags.FindIndex(t => t.Key == tagKey);
        if (i >= 0) key.Tags[i] = new(tagKey, value);
        else key.Tags.Add(new(tagKey, value));
    }
}
