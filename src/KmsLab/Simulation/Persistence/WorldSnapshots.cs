using System.Globalization;

namespace KmsLab.Simulation.Persistence;

/// <summary>
/// Takes a <see cref="WorldSnapshot"/> of a world, and builds a world's state back from one.
/// Capture runs under the world lock, so a snapshot never shows half of an operation.
/// </summary>
internal static class WorldSnapshots
{
    public static WorldSnapshot Capture(KmsWorld world, SimulatedClock clock, string accountId)
    {
        lock (world.Sync)
        {
            return new WorldSnapshot
            {
                Format = WorldSnapshot.FormatName,
                Version = WorldSnapshot.CurrentVersion,
                AccountId = accountId,
                Clock = new SnapshotClock { Offset = clock.Offset, Now = clock.GetUtcNow() },
                Principals = world.Principals.All.Select(p => new SnapshotPrincipal { AccountId = p.AccountId, Name = p.Name }).ToList(),
                Regions = world.AllRegions.Select(CaptureRegion).ToList(),
                SpontaneousChanges = world.SpontaneousChanges,
            };
        }
    }

    private static SnapshotRegion CaptureRegion(RegionalKms kms) => new()
    {
        AccountId = kms.AccountId,
        Region = kms.Region,
        Keys = kms.Keys.Select(CaptureKey).ToList(),
        Aliases = kms.Aliases.Select(a => new SnapshotAlias { Name = a.Name, TargetKeyId = a.Target.Id, CreationDate = a.CreationDate, LastUpdatedDate = a.LastUpdatedDate }).ToList(),
        DeletedKeyIds = [.. kms.DeletedKeyIds],
    };

    private static SnapshotKey CaptureKey(KmsKey key) => new()
    {
        KeyId = key.Id,
        CreationDate = key.CreationDate,
        KeySpec = key.Spec.Name,
        KeyUsage = key.KeyUsage,
        Origin = key.Origin,
        Description = key.Description,
        Policy = key.Policy,
        State = key.State,
        DeletionDate = key.DeletionDate,
        PendingWindowInDays = key.PendingWindowInDays,
        RotationEnabled = key.RotationEnabled,
        RotationPeriodInDays = key.RotationPeriodInDays,
        RotationBase = key.RotationBase,
        OnDemandRotationCount = key.OnDemandRotationCount,
        Tags = key.Tags.Select(t => new SnapshotTag { Key = t.Key, Value = t.Value }).ToList(),
        // Copied now, under the lock: a key deleted later zeroes its material in place.
        Materials = key.Materials.Select(m => new SnapshotMaterial { Id = m.Id, Secret = m.Secret.ToArray(), CreatedAt = m.CreatedAt, RotationType = m.RotationType }).ToList(),
    };

    /// <summary>
    /// Fills an empty world with a snapshot's state. Checks everything it reads and throws
    /// <see cref="InvalidDataException"/> naming what is wrong, before changing anything.
    /// </summary>
    public static void Restore(WorldSnapshot snapshot, KmsWorld world, SimulatedClock clock)
    {
        if (snapshot.Format != WorldSnapshot.FormatName) throw Invalid($"it is not a KmsLab state file (format is '{snapshot.Format}', expected '{WorldSnapshot.FormatName}')");
        if (snapshot.Version is < 1 or > WorldSnapshot.CurrentVersion)
        {
            throw Invalid($"it has format version {snapshot.Version}, and this KmsLab reads versions 1 to {WorldSnapshot.CurrentVersion} (was it written by a newer KmsLab?)");
        }
        var snapshotClock = snapshot.Clock ?? throw Invalid("it has no clock");
        var regions = (snapshot.Regions ?? []).Select(BuildRegion).ToList();
        var principals = (snapshot.Principals ?? []).Select((p, i) =>
            (Account: Require(p.AccountId, $"principal {i + 1} has no accountId"), Name: Require(p.Name, $"principal {i + 1} has no name"))).ToList();

        lock (world.Sync)
        {
            if (world.AllRegions.Any(r => r.Keys.Count > 0 || r.Aliases.Any())) throw new InvalidOperationException("A snapshot can only be restored into an empty world.");
            clock.Restore(snapshotClock.Offset, snapshotClock.Now);
            foreach (var (account, name) in principals) world.Principals.AddUser(account, name);
            foreach (var built in regions)
            {
                var kms = world.Region(built.AccountId, built.Region);
                foreach (var key in built.Keys) kms.Add(key);
                foreach (var alias in built.Aliases) kms.AddAlias(alias);
                foreach (var id in built.Deleted) kms.AddDeletedKeyId(id);
            }
            // Let the first request catch up on whatever fell due while the server was down.
            world.RecomputeNextEvent(DateTimeOffset.MinValue);
        }
    }

    private sealed record BuiltRegion(string AccountId, string Region, List<KmsKey> Keys, List<KmsAlias> Aliases, List<Guid> Deleted);

    private static BuiltRegion BuildRegion(SnapshotRegion r, int index)
    {
        var account = Require(r.AccountId, $"region entry {index + 1} has no accountId");
        if (account.Length != 12 || !account.All(char.IsAsciiDigit)) throw Invalid($"region entry {index + 1} has account ID '{account}', which is not 12 digits");
        var region = Require(r.Region, $"region entry {index + 1} has no region");
        var where = $"{account}/{region}";
        var keys = new List<KmsKey>();
        var byId = new Dictionary<Guid, KmsKey>();
        foreach (var (k, i) in (r.Keys ?? []).Select((k, i) => (k, i)))
        {
            var key = BuildKey(k, account, region, $"key {i + 1} in {where}");
            if (!byId.TryAdd(key.Id, key)) throw Invalid($"key {key.KeyId} appears twice in {where}");
            keys.Add(key);
        }
        var aliases = new List<KmsAlias>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (a, i) in (r.Aliases ?? []).Select((a, i) => (a, i)))
        {
            var name = Require(a.Name, $"alias {i + 1} in {where} has no name");
            if (!name.StartsWith("alias/", StringComparison.Ordinal)) throw Invalid($"alias '{name}' in {where} does not start with alias/");
            if (!names.Add(name)) throw Invalid($"alias '{name}' appears twice in {where}");
            if (!byId.TryGetValue(a.TargetKeyId, out var target)) throw Invalid($"alias '{name}' in {where} points at key {a.TargetKeyId:D}, which is not in the file");
            aliases.Add(new KmsAlias(name, KmsArn.ForAlias(region, account, name), target, a.CreationDate) { LastUpdatedDate = a.LastUpdatedDate });
        }
        return new BuiltRegion(account, region, keys, aliases, r.DeletedKeyIds ?? []);
    }

    private static KmsKey BuildKey(SnapshotKey k, string account, string region, string what)
    {
        var specName = Require(k.KeySpec, $"{what} has no keySpec");
        KeySpecInfo spec;
        try
        {
            spec = KeySpecInfo.Get(specName);
        }
        catch (KeyNotFoundException)
        {
            throw Invalid($"{what} has an unknown keySpec '{specName}'");
        }
        var key = new KmsKey(k.KeyId, account, region, k.CreationDate, spec,
            Require(k.KeyUsage, $"{what} has no keyUsage"), Require(k.Origin, $"{what} has no origin"),
            k.Description ?? "", Require(k.Policy, $"{what} has no policy"))
        {
            State = Require(k.State, $"{what} has no state"),
            DeletionDate = k.DeletionDate,
            PendingWindowInDays = k.PendingWindowInDays,
            RotationEnabled = k.RotationEnabled,
            RotationPeriodInDays = k.RotationPeriodInDays == 0 ? KmsLimits.DefaultRotationPeriodInDays : k.RotationPeriodInDays,
            RotationBase = k.RotationBase,
            OnDemandRotationCount = k.OnDemandRotationCount,
        };
        what = $"key {key.KeyId} in {account}/{region}";
        if (key.State is not (KeyState.Enabled or KeyState.Disabled or KeyState.PendingDeletion or KeyState.PendingImport)) throw Invalid($"{what} has an unknown state '{key.State}'");
        if (key.State == KeyState.PendingDeletion && key.DeletionDate is null) throw Invalid($"{what} is pending deletion but has no deletionDate");
        foreach (var t in k.Tags ?? []) key.Tags.Add(new(Require(t.Key, $"{what} has a tag without a key"), t.Value ?? ""));
        var materials = k.Materials ?? [];
        if (materials.Count == 0) throw Invalid($"{what} has no key material");
        foreach (var (m, i) in materials.Select((m, i) => (m, i)))
        {
            var id = Require(m.Id, $"material {i + 1} of {what} has no id");
            byte[] idBytes;
            try
            {
                idBytes = Convert.FromHexString(id);
            }
            catch (FormatException)
            {
                throw Invalid($"material {i + 1} of {what} has an id that is not hexadecimal");
            }
            if (idBytes.Length != KeyMaterial.IdLength) throw Invalid($"material {i + 1} of {what} has an id of {idBytes.Length} bytes, not {KeyMaterial.IdLength}");
            var secret = m.Secret ?? throw Invalid($"material {i + 1} of {what} has no secret");
            if (secret.Length != 32) throw Invalid($"material {i + 1} of {what} has a secret of {secret.Length.ToString(CultureInfo.InvariantCulture)} bytes, not 32");
            key.AddMaterial(new KeyMaterial(idBytes, secret, m.CreatedAt, m.RotationType));
        }
        return key;
    }

    private static string Require(string? value, string problem) => value ?? throw Invalid(problem);

    private static InvalidDataException Invalid(string problem) => new(problem);
}
