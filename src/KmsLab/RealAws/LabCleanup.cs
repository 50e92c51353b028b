using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.RealAws;

/// <summary>Which lab keys <see cref="LabCleanup"/> selects; every filter given must match.</summary>
public sealed record LabCleanupFilter
{
    /// <summary>Only keys of this lesson (<c>kmslab:lesson</c>); null: any lesson.</summary>
    public string? Lesson { get; init; }

    /// <summary>Only keys of this owner (<c>kmslab:owner</c>, e.g. an IAM ARN); null: any owner.</summary>
    public string? Owner { get; init; }

    /// <summary>Also select keys a <c>lab-setup</c> stack owns (<c>kmslab:managed-by</c>). Default false: delete the stack instead.</summary>
    public bool IncludeStackManaged { get; init; }
}

/// <summary>A lab key that cleanup will (or did) schedule for deletion.</summary>
/// <param name="KeyId">The key ID.</param>
/// <param name="KeyArn">The key ARN.</param>
/// <param name="KeyState">Its state when listed (Enabled, Disabled, PendingImport...).</param>
/// <param name="Lesson">Its <c>kmslab:lesson</c> tag.</param>
/// <param name="Owner">Its <c>kmslab:owner</c> tag.</param>
/// <param name="Aliases">The aliases that point to it, removed before its deletion is scheduled.</param>
/// <param name="Description">Its description.</param>
public sealed record LabKey(string KeyId, string KeyArn, string KeyState, string Lesson, string Owner, IReadOnlyList<string> Aliases, string Description);

/// <summary>A key cleanup looked at and left alone, and why.</summary>
public sealed record SkippedKey(string KeyArn, string Reason);

/// <summary>What a dry run found: the lab keys to delete and the keys left alone (with the reason).</summary>
public sealed record LabCleanupPlan(IReadOnlyList<LabKey> Keys, IReadOnlyList<SkippedKey> Skipped, int KeysListed);

/// <summary>What one lab key's cleanup did.</summary>
/// <param name="Key">The key.</param>
/// <param name="AliasesDeleted">The aliases removed.</param>
/// <param name="DeletionDate">When KMS will delete it (null if scheduling failed).</param>
/// <param name="Error">Why scheduling failed (null on success).</param>
public sealed record LabKeyCleanup(LabKey Key, IReadOnlyList<string> AliasesDeleted, DateTime? DeletionDate, string? Error);

/// <summary>
/// Finds the KMS keys KmsLab created (those carrying both <see cref="LabTags.Lesson"/> and
/// <see cref="LabTags.Owner"/>) in one account and Region, and schedules their deletion with the
/// minimum 7-day window after removing their aliases. It never touches a key without both tags,
/// an AWS managed key, or a key already pending deletion — so a second run finds nothing to do.
/// Works through any <see cref="IAmazonKeyManagementService"/>: real AWS, <c>kmslab serve</c>, the simulator.
/// </summary>
public static class LabCleanup
{
    /// <summary>The waiting period cleanup schedules: KMS's minimum. Keys pending deletion are not billed.</summary>
    public const int PendingWindowInDays = 7;

    /// <summary>
    /// The dry run: lists every key (ListKeys), reads its state (DescribeKey) and tags
    /// (ListResourceTags) and the account's aliases (ListAliases), and returns the lab keys that
    /// match <paramref name="filter"/>. Changes nothing.
    /// </summary>
    public static async Task<LabCleanupPlan> PlanAsync(IAmazonKeyManagementService kms, LabCleanupFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        filter ??= new LabCleanupFilter();
        var aliases = await AliasesByKeyAsync(kms, cancellationToken).ConfigureAwait(false);
        var keys = new List<LabKey>();
        var skipped = new List<SkippedKey>();
        int listed = 0;
        string? marker = null;
        do
        {
            var page = await kms.ListKeysAsync(new ListKeysRequest { Marker = marker }, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Keys ?? [])
            {
                listed++;
                var (key, why) = await InspectAsync(kms, entry, filter, aliases, cancellationToken).ConfigureAwait(false);
                if (key is not null) keys.Add(key);
                else if (why is not null) skipped.Add(new SkippedKey(entry.KeyArn, why));
            }
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        return new LabCleanupPlan(keys, skipped, listed);
    }

    /// <summary>
    /// Deletes each planned key's aliases and schedules the key's deletion in
    /// <see cref="PendingWindowInDays"/> days. A key that is already pending deletion or gone
    /// counts as done (cleanup is idempotent); other failures are reported per key and the
    /// remaining keys are still cleaned up.
    /// </summary>
    public static async Task<IReadOnlyList<LabKeyCleanup>> ApplyAsync(IAmazonKeyManagementService kms, LabCleanupPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentNullException.ThrowIfNull(plan);
        var results = new List<LabKeyCleanup>();
        foreach (var key in plan.Keys)
        {
            var deleted = new List<string>();
            try
            {
                foreach (var alias in key.Aliases)
                {
                    try
                    {
                        await kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = alias }, cancellationToken).ConfigureAwait(false);
                        deleted.Add(alias);
                    }
                    catch (NotFoundException)
                    {
                        // Already gone: nothing to undo.
                    }
                }
                var scheduled = await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyArn, PendingWindowInDays = PendingWindowInDays }, cancellationToken).ConfigureAwait(false);
                results.Add(new LabKeyCleanup(key, deleted, scheduled.DeletionDate, null));
            }
            catch (KMSInvalidStateException e)
            {
                // Someone (or an earlier run) scheduled it already: that is the goal, not a failure.
                var date = await PendingDeletionDateAsync(kms, key.KeyArn, cancellationToken).ConfigureAwait(false);
                results.Add(new LabKeyCleanup(key, deleted, date, date is null ? $"{e.ErrorCode}: {e.Message}" : null));
            }
            catch (NotFoundException)
            {
                results.Add(new LabKeyCleanup(key, deleted, null, "the key no longer exists"));
            }
            catch (AmazonKeyManagementServiceException e)
            {
                results.Add(new LabKeyCleanup(key, deleted, null, $"{e.ErrorCode}: {e.Message}"));
            }
        }
        return results;
    }

    private static async Task<(LabKey? Key, string? Skipped)> InspectAsync(IAmazonKeyManagementService kms, KeyListEntry entry, LabCleanupFilter filter,
        IReadOnlyDictionary<string, List<string>> aliases, CancellationToken ct)
    {
        KeyMetadata metadata;
        try
        {
            metadata = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = entry.KeyArn }, ct).ConfigureAwait(false)).KeyMetadata;
        }
        catch (NotFoundException)
        {
            return (null, null); // deleted between ListKeys and DescribeKey
        }
        catch (AmazonKeyManagementServiceException e)
        {
            return (null, $"cannot describe it ({e.ErrorCode})");
        }
        if (metadata.KeyManager == KeyManagerType.AWS) return (null, null); // AWS managed keys are not ours to delete, and are free.
        if (metadata.KeyState == KeyState.PendingDeletion || metadata.KeyState == KeyState.PendingReplicaDeletion) return (null, null);

        Dictionary<string, string> tags;
        try
        {
            tags = await TagsAsync(kms, entry.KeyArn, ct).ConfigureAwait(false);
        }
        catch (AmazonKeyManagementServiceException e)
        {
            return (null, $"cannot read its tags ({e.ErrorCode})");
        }
        if (!tags.TryGetValue(LabTags.Lesson, out var lesson) || !tags.TryGetValue(LabTags.Owner, out var owner)) return (null, null); // not a lab key: never touched
        if (tags.ContainsKey(LabTags.ManagedBy) && !filter.IncludeStackManaged)
            return (null, $"managed by a lab-setup stack ({LabTags.ManagedBy}={tags[LabTags.ManagedBy]}): delete the stack to delete it");
        if (filter.Lesson is not null && lesson != filter.Lesson) return (null, null);
        if (filter.Owner is not null && owner != filter.Owner) return (null, null);
        var keyAliases = aliases.TryGetValue(metadata.KeyId, out var list) ? list : [];
        return (new LabKey(metadata.KeyId, metadata.Arn, metadata.KeyState.Value, lesson, owner, keyAliases, metadata.Description ?? ""), null);
    }

    private static async Task<Dictionary<string, string>> TagsAsync(IAmazonKeyManagementService kms, string keyArn, CancellationToken ct)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var page = await kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = keyArn, Marker = marker }, ct).ConfigureAwait(false);
            foreach (var tag in page.Tags ?? []) tags[tag.TagKey] = tag.TagValue;
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        return tags;
    }

    private static async Task<Dictionary<string, List<string>>> AliasesByKeyAsync(IAmazonKeyManagementService kms, CancellationToken ct)
    {
        var byKey = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var page = await kms.ListAliasesAsync(new ListAliasesRequest { Marker = marker }, ct).ConfigureAwait(false);
            foreach (var alias in page.Aliases ?? [])
            {
                if (alias.TargetKeyId is null || alias.AliasName.StartsWith("alias/aws/", StringComparison.Ordinal)) continue;
                if (!byKey.TryGetValue(alias.TargetKeyId, out var list)) byKey[alias.TargetKeyId] = list = [];
                list.Add(alias.AliasName);
            }
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        foreach (var list in byKey.Values) list.Sort(StringComparer.Ordinal);
        return byKey;
    }

    private static async Task<DateTime?> PendingDeletionDateAsync(IAmazonKeyManagementService kms, string keyArn, CancellationToken ct)
    {
        try
        {
            var metadata = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyArn }, ct).ConfigureAwait(false)).KeyMetadata;
            return metadata.KeyState == KeyState.PendingDeletion ? metadata.DeletionDate : null;
        }
        catch (AmazonKeyManagementServiceException)
        {
            return null;
        }
    }
}
