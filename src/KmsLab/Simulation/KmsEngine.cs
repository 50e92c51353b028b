namespace KmsLab.Simulation;

/// <summary>
/// The KMS engine: every operation with typed inputs and outputs, KMS's rules and KMS's errors.
/// It knows nothing of HTTP or JSON; the protocol adapter maps the wire to these methods.
/// Each operation runs under the world lock after bringing the world up to the clock's present
/// (rotations and deletions that fell due while time moved on).
/// </summary>
internal sealed partial class KmsEngine(KmsWorld world)
{
    public KmsWorld World { get; } = world;

    private DateTimeOffset Now => World.Clock.GetUtcNow();

    private T Run<T>(CallContext ctx, Func<RegionalKms, T> operation)
    {
        lock (World.Sync)
        {
            var now = Now;
            ctx.Time = now;
            CatchUp(now);
            return operation(World.Region(ctx.AccountId, ctx.Region));
        }
    }

    /// <summary>Applies the events that the clock has passed: automatic rotations, scheduled deletions and expiry of imported key material.</summary>
    internal void CatchUp() => CatchUp(Now);

    private void CatchUp(DateTimeOffset now)
    {
        if (now < World.NextEventAt) return;
        var next = DateTimeOffset.MaxValue;
        foreach (var region in World.AllRegions)
        {
            foreach (var key in region.Keys.ToList())
            {
                if (key.State == KeyState.PendingDeletion && key.DeletionDate <= now)
                {
                    region.Remove(key);
                    World.NoteSpontaneousChange();
                    continue;
                }
                if (key.ValidTo is { } validTo && validTo <= now && key.HasMaterial)
                {
                    ExpireImportedMaterial(key);
                    World.NoteSpontaneousChange();
                }
                if (key.RotationEnabled && key.State == KeyState.Enabled)
                {
                    while (key.NextRotationDate is { } due && due <= now)
                    {
                        key.AddMaterial(KeyMaterial.Generate(World.Random, due, RotationTypes.Automatic));
                        key.RotationBase = due;
                        World.NoteSpontaneousChange();
                    }
                }
                next = Min(next, key.State == KeyState.PendingDeletion ? key.DeletionDate : null);
                next = Min(next, key.State == KeyState.Enabled ? key.NextRotationDate : null);
                next = Min(next, key.HasMaterial ? key.ValidTo : null);
            }
        }
        World.RecomputeNextEvent(next);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset? b) => b is { } v && v < a ? v : a;

    /// <summary>
    /// Finds the key a <c>KeyId</c> parameter names: key ID, key ARN and — where the operation
    /// allows — alias name or alias ARN. A key in another Region is not found: KMS is regional.
    /// </summary>
    private KmsKey ResolveKey(CallContext ctx, RegionalKms kms, string keyId, bool allowAlias = true)
    {
        var key = FindKeyFor(ctx, kms, keyId, allowAlias);
        ctx.Touch(key);
        return key;
    }

    private KmsKey FindKeyFor(CallContext ctx, RegionalKms kms, string keyId, bool allowAlias)
    {
        if (_lastFound is { } last && last.Names(keyId, kms)) return last.Key;
        if (keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            // Every data-plane call names its key, often by ARN: read it in place, without splitting.
            var (region, account, resource) = ParseKmsArn(keyId);
            var arn = keyId.AsSpan();
            if (!arn[region].SequenceEqual(ctx.Region)) throw KmsException.NotFound($"Invalid arn {arn[region]}");
            var target = arn[account].SequenceEqual(kms.AccountId) ? kms : World.Region(arn[account].ToString(), ctx.Region);
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

    // A data-plane loop names the same key on every call. A key ID or key ARN (never an alias,
    // which can be pointed elsewhere) always names the same key, so the last one resolved is
    // checked first; the key only has to be still where it was found.
    private FoundKey? _lastFound;

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
        if (!Guid.TryParseExact(id, "D", out var guid)) throw KmsException.NotFound($"Invalid keyId {asGiven}");
        return kms.Find(guid) ?? throw KmsException.NotFound($"Key '{KmsArn.ForKey(kms.Region, kms.AccountId, id.ToString())}' does not exist");
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

    private static void ValidateKeyId(string? keyId, string member = "keyId") =>
        RequestValidator.Start().Required(keyId, member).Length(keyId, member, 1, 2048).ThrowIfInvalid();

    private static void ValidateGrantTokens(RequestValidator v, List<string>? tokens) =>
        v.Count(tokens, "grantTokens", 0, KmsLimits.MaxGrantTokens);

    private static void ThrowIfDryRun(bool? dryRun)
    {
        if (dryRun == true) throw new KmsException(KmsErrorCodes.DryRunOperation, "The request would have succeeded, but the DryRun option is set.");
    }
}
