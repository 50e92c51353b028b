namespace KmsLab.Simulation.Pipeline;

/// <summary>
/// Finds the key a <c>KeyId</c> parameter names: key ID, key ARN and — where the operation
/// allows — alias name or alias ARN. A key in another Region is not found: KMS is regional.
/// Used only under the world lock.
/// </summary>
internal sealed class KeyResolver(KmsWorld world)
{
    /// <summary>
    /// The key a key ID or key ARN named last, checked first: a data-plane loop names the same key
    /// on every call. Lifetime: the engine, hence one world; written and read only under the
    /// world lock. Invalidation: none is needed, because a hit is re-checked every time — the same
    /// KeyId string (ordinal), asked from the same <see cref="RegionalKms"/> (account and Region of
    /// the caller), and the key still found under its ID where it was found (a deleted key is
    /// never found through it). Aliases are never kept: one can be pointed at another key.
    /// </summary>
    private FoundKey? _lastFound;

    /// <summary>Resolves the key and records it among the call's resources (its audit event's <c>resources</c>).</summary>
    public KmsKey Resolve(CallContext ctx, RegionalKms kms, string keyId, bool allowAlias)
    {
        var key = Find(ctx, kms, keyId, allowAlias);
        ctx.Touch(key);
        ctx.RequestAlias = RequestAlias(keyId);
        return key;
    }

    private KmsKey Find(CallContext ctx, RegionalKms kms, string keyId, bool allowAlias)
    {
        if (_lastFound is { } last && last.Names(keyId, kms)) return last.Key;
        if (keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            // Every data-plane call names its key, often by ARN: read it in place, without splitting.
            var (region, account, resource) = ParseKmsArn(keyId);
            var arn = keyId.AsSpan();
            if (!arn[region].SequenceEqual(ctx.Region)) throw KmsException.NotFound($"Invalid arn {arn[region]}");
            var target = arn[account].SequenceEqual(kms.AccountId) ? kms : world.Region(arn[account].ToString(), ctx.Region);
            if (arn[resource].StartsWith("key/", StringComparison.Ordinal)) return Found(keyId, kms, target, FindKey(target, arn[resource][4..], keyId));
            if (allowAlias && arn[resource].StartsWith("alias/", StringComparison.Ordinal)) return FindAliasTarget(target, keyId[resource]);
            throw KmsException.NotFound($"Invalid keyId {keyId}");
        }
        if (keyId.StartsWith("alias/", StringComparison.Ordinal))
        {
            if (!allowAlias) throw KmsException.NotFound($"Invalid keyId {keyId}");
            return FindAliasTarget(kms, keyId);
        }
        return Found(keyId, kms, kms, FindKey(kms, keyId, keyId));
    }

    /// <summary>kms:RequestAlias: the alias name a KeyId parameter used (alias name or alias ARN); null for a key ID or key ARN.</summary>
    private static string? RequestAlias(string keyId)
    {
        if (keyId.StartsWith("alias/", StringComparison.Ordinal)) return keyId;
        if (!keyId.StartsWith("arn:", StringComparison.Ordinal)) return null;
        int at = keyId.IndexOf(":alias/", StringComparison.Ordinal);
        return at < 0 ? null : keyId[(at + 1)..];
    }

    private KmsKey Found(string keyId, RegionalKms from, RegionalKms home, KmsKey key)
    {
        _lastFound = new FoundKey(keyId, from, home, key);
        return key;
    }

    /// <summary>A key as a KeyId parameter (key ID or key ARN) resolved it for callers in <see cref="From"/>.</summary>
    private sealed record FoundKey(string KeyId, RegionalKms From, RegionalKms Home, KmsKey Key)
    {
        public bool Names(string keyId, RegionalKms from) =>
            ReferenceEquals(From, from) && string.Equals(KeyId, keyId, StringComparison.Ordinal) && ReferenceEquals(Home.Find(Key.Id), Key);
    }

    private static KmsKey FindKey(RegionalKms kms, ReadOnlySpan<char> id, string asGiven)
    {
        // A multi-Region key is named by its mrk- ID only, a single-Region key by its UUID only.
        bool multiRegion = MultiRegionSet.TryParseKeyId(id, out var guid);
        if (!multiRegion && !Guid.TryParseExact(id, "D", out guid)) throw KmsException.NotFound($"Invalid keyId {asGiven}");
        var found = kms.Find(guid);
        return found is not null && (found.MultiRegion is not null) == multiRegion ? found : throw KmsException.NotFound($"Key '{KmsArn.ForKey(kms.Region, kms.AccountId, id.ToString())}' does not exist");
    }

    private static KmsKey FindAliasTarget(RegionalKms kms, string aliasName) =>
        kms.FindAlias(aliasName)?.Target
        ?? throw KmsException.NotFound($"Alias '{KmsArn.ForAlias(kms.Region, kms.AccountId, aliasName)}' is not found.");

    /// <summary>The Region, account and resource of <c>arn:aws:kms:&lt;region&gt;:&lt;account&gt;:&lt;resource&gt;</c>, as ranges of the ARN.</summary>
    private static (Range Region, Range Account, Range Resource) ParseKmsArn(string arn)
    {
        // The first five colons delimit the fields; the resource is everything after the fifth.
        var text = arn.AsSpan();
        Span<int> colon = stackalloc int[5];
        for (int i = 0, from = 0; i < colon.Length; i++)
        {
            int at = text[from..].IndexOf(':');
            if (at < 0) throw new KmsException(KmsErrorCodes.NotFound, $"Invalid arn {arn}");
            colon[i] = from + at;
            from = colon[i] + 1;
        }
        var partition = text[(colon[0] + 1)..colon[1]];
        var service = text[(colon[1] + 1)..colon[2]];
        Range region = (colon[2] + 1)..colon[3], account = (colon[3] + 1)..colon[4];
        if (partition is not ("aws" or "aws-cn" or "aws-us-gov") || !service.SequenceEqual("kms")
            || text[region].IsEmpty || text[account].Length != 12 || text[account].ContainsAnyExceptInRange('0', '9'))
        {
            throw new KmsException(KmsErrorCodes.NotFound, $"Invalid arn {arn}");
        }
        return (region, account, (colon[4] + 1)..);
    }
}
