using KmsLab.Simulation;
using KmsLab.Simulation.Grants;
using KmsLab.Simulation.Identity;
using KmsLab.Simulation.KeyStores;
using KmsLab.Simulation.Policies;

namespace KmsLab.Persistence;

/// <summary>
/// Takes a <see cref="WorldSnapshot"/> of a world, and builds a world's state back from one.
/// Capture runs under the world lock, so a snapshot never shows half of an operation.
/// </summary>
internal static class WorldSnapshots
{
    public static WorldSnapshot Capture(KmsWorld world, SimulatedClock clock, string accountId, string partnerAccountId)
    {
        lock (world.Sync)
        {
            return new WorldSnapshot
            {
                Format = WorldSnapshot.FormatName,
                Version = WorldSnapshot.CurrentVersion,
                AccountId = accountId,
                PartnerAccountId = partnerAccountId,
                Clock = new SnapshotClock { Offset = clock.Offset, Now = clock.GetUtcNow() },
                WorldSecrets = world.Secrets.Export(),
                Principals = CapturePrincipals(world),
                Regions = world.AllRegions.Select(r => CaptureRegion(r, world.Grants)).ToList(),
                SpontaneousChanges = world.SpontaneousChanges,
            };
        }
    }

    /// <summary>The world without its principals and Regions: accounts, clock and the service's secrets. Under the world lock.</summary>
    public static WorldSnapshot CaptureWorldOnly(KmsWorld world, SimulatedClock clock, string accountId, string partnerAccountId) => new()
    {
        Format = WorldSnapshot.FormatName,
        Version = WorldSnapshot.CurrentVersion,
        AccountId = accountId,
        PartnerAccountId = partnerAccountId,
        Clock = new SnapshotClock { Offset = clock.Offset, Now = clock.GetUtcNow() },
        WorldSecrets = world.Secrets.Export(),
        SpontaneousChanges = world.SpontaneousChanges,
    };

    /// <summary>The lab's principals with their identity policies. Under the world lock.</summary>
    public static List<SnapshotPrincipal> CapturePrincipals(KmsWorld world) => world.Principals.All.Select(p => new SnapshotPrincipal
    {
        AccountId = p.AccountId,
        Name = p.Name,
        Kind = p.Kind.ToString(),
        Policies = new Dictionary<string, string>(p.IdentityPolicyTexts, StringComparer.Ordinal),
    }).ToList();

    public static SnapshotAlias CaptureAlias(KmsAlias a) => new() { Name = a.Name, TargetKeyId = a.Target.Id, CreationDate = a.CreationDate, LastUpdatedDate = a.LastUpdatedDate };

    public static List<SnapshotKeyStore> CaptureKeyStores(RegionalKms kms) => kms.KeyStores.Select(s => new SnapshotKeyStore
    {
        Id = s.Id, Name = s.Name, Type = s.Type, CreationDate = s.CreationDate, ConnectionState = s.ConnectionState, ConnectionErrorCode = s.ConnectionErrorCode,
        UriEndpoint = s.Proxy?.UriEndpoint, UriPath = s.Proxy?.UriPath, Connectivity = s.Proxy?.Connectivity, AccessKeyId = s.Proxy?.AccessKeyId, SecretAccessKey = s.Proxy?.SecretAccessKey,
        CloudHsmClusterId = s.CloudHsm?.ClusterId, TrustAnchorCertificate = s.CloudHsm?.TrustAnchorCertificate, KeyStorePassword = s.CloudHsm?.KmsUserPassword, ConnectsAt = s.ConnectsAt,
    }).ToList();

    public static List<SnapshotCloudHsmCluster> CaptureClusters(RegionalKms kms) => kms.CloudHsmClusters.Select(c => new SnapshotCloudHsmCluster
    {
        Id = c.Id, BackupHistory = c.BackupHistory, TrustAnchorCertificate = c.TrustAnchorCertificate, SubnetZones = [.. c.SubnetZones], State = c.State,
        Hsms = c.Hsms.Select(h => new SnapshotHsm { Id = h.Id, Zone = h.Zone }).ToList(),
        KmsUser = c.KmsUser is { } u ? new SnapshotCryptoUser { Password = u.Password, FailedLogins = u.FailedLogins, LockedOut = u.LockedOut, LoggedIn = u.LoggedIn } : null,
        KeyLabels = [.. c.KeyLabels],
        DeletedSubnets = [.. c.DeletedSubnets],
        FullSubnets = [.. c.FullSubnets],
        SecurityGroupRulesRemoved = !c.SecurityGroupAllowsKms,
    }).ToList();

    private static SnapshotRegion CaptureRegion(RegionalKms kms, GrantRegistry grants) => new()
    {
        AccountId = kms.AccountId,
        Region = kms.Region,
        Keys = kms.Keys.Select(k => CaptureKey(k, grants)).ToList(),
        Aliases = kms.Aliases.Select(CaptureAlias).ToList(),
        DeletedKeyIds = [.. kms.DeletedKeyIds],
        KeyStores = CaptureKeyStores(kms),
        CloudHsmClusters = CaptureClusters(kms),
    };

    /// <summary>One key with everything it holds (grants, tags, every material). Under the world lock.</summary>
    public static SnapshotKey CaptureKey(KmsKey key, GrantRegistry grants) => new()
    {
        KeyId = key.Id,
        CreationDate = key.CreationDate,
        KeySpec = key.Spec.Name,
        KeyUsage = key.KeyUsage,
        Origin = key.Origin,
        KeyManager = key.KeyManager,
        Description = key.Description,
        Policy = key.Policy,
        State = key.State,
        DeletionDate = key.DeletionDate,
        PendingWindowInDays = key.PendingWindowInDays,
        RotationEnabled = key.RotationEnabled,
        RotationPeriodInDays = key.RotationPeriodInDays,
        RotationBase = key.RotationBase,
        OnDemandRotationCount = key.OnDemandRotationCount,
        CustomKeyStoreId = key.CustomKeyStoreId,
        XksKeyId = key.XksKeyId,
        ImportedMaterialId = key.ImportedMaterials.FirstOrDefault()?.Id,
        ValidTo = key.ValidTo,
        ExpirationModel = key.ExpirationModel,
        LastUse = key.LastUse is { } use ? new SnapshotLastUse { Operation = use.Operation, Time = use.Time, RequestId = use.RequestId, EventId = use.EventId } : null,
        MultiRegion = key.MultiRegion is null ? null : true,
        PrimaryRegion = key.MultiRegion?.PrimaryRegion,
        SettlesAt = key.SettlesAt,
        Tags = key.Tags.Select(t => new SnapshotTag { Key = t.Key, Value = t.Value }).ToList(),
        Grants = key.Grants.Select(g => new SnapshotGrant
        {
            GrantId = g.GrantId,
            Name = g.Name,
            CreationDate = g.CreationDate,
            GranteePrincipal = g.GranteePrincipal,
            RetiringPrincipal = g.RetiringPrincipal,
            GranteeServicePrincipal = g.GranteeServicePrincipal,
            RetiringServicePrincipal = g.RetiringServicePrincipal,
            SourceArn = g.SourceArn,
            IssuingAccount = g.IssuingAccount,
            Operations = [.. g.Operations],
            EncryptionContextEquals = g.EncryptionContextEquals?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            EncryptionContextSubset = g.EncryptionContextSubset?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Tokens = [.. grants.TokensOf(g)],
        }).ToList(),
        // Copied now, under the lock: a key deleted later zeroes its material in place.
        Materials = key.Materials.Select(m => new SnapshotMaterial { Id = m.Id, Secret = m.Secret.ToArray(), CreatedAt = m.CreatedAt, RotationType = m.RotationType }).ToList(),
        ImportedMaterials = key.Origin != "EXTERNAL" ? null : key.ImportedMaterials.Select(m => new SnapshotImportedMaterial
        {
            Id = m.Id,
            Description = m.Description,
            State = m.State,
            RotationDate = m.RotationDate,
            ExpirationModel = m.ExpirationModel,
            ValidTo = m.ValidTo,
            Imported = m.IsImported,
            Secret = !m.IsBound && m.Secret is { } pending ? pending.Secret.ToArray() : null,
            CreatedAt = m.Secret?.CreatedAt ?? default,
        }).ToList(),
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
        WorldSecrets? secrets = null;
        if (snapshot.WorldSecrets is { } exported)
        {
            try
            {
                secrets = WorldSecrets.FromExported(exported);
            }
            catch (ArgumentException e)
            {
                throw Invalid($"its worldSecrets are not valid: {e.Message}");
            }
        }
        var regions = (snapshot.Regions ?? []).Select(BuildRegion).ToList();
        RelateMultiRegionKeys(regions);
        var principals = (snapshot.Principals ?? []).Select(BuildPrincipal).ToList();

        lock (world.Sync)
        {
            if (world.AllRegions.Any(r => r.Keys.Count > 0 || r.Aliases.Any())) throw new InvalidOperationException("A snapshot can only be restored into an empty world.");
            clock.Restore(snapshotClock.Offset, snapshotClock.Now);
            if (secrets is not null) world.Secrets = secrets;
            foreach (var p in principals)
            {
                var principal = p.Kind == PrincipalKind.Role ? world.Principals.AddRole(p.AccountId, p.Name) : world.Principals.AddUser(p.AccountId, p.Name);
                if (p.Policies is null) continue;
                foreach (var name in principal.IdentityPolicyTexts.Keys.Where(n => !p.Policies.ContainsKey(n))) principal.DeletePolicy(name);
                foreach (var (name, policy) in p.Policies) principal.PutPolicy(name, policy);
            }
            foreach (var built in regions)
            {
                var kms = world.Region(built.AccountId, built.Region);
                foreach (var key in built.Keys) kms.Add(key);
                foreach (var alias in built.Aliases) kms.AddAlias(alias);
                foreach (var id in built.Deleted) kms.AddDeletedKeyId(id);
                kms.KeyStores.AddRange(built.KeyStores);
                kms.CloudHsmClusters.AddRange(built.Clusters);
                foreach (var (token, grant) in built.GrantTokens) world.Grants.RestoreToken(token, grant);
            }
            // Let the first request catch up on whatever fell due while the server was down.
            world.RecomputeNextEvent(DateTimeOffset.MinValue);
        }
    }

    private sealed record BuiltPrincipal(string AccountId, string Name, PrincipalKind Kind, Dictionary<string, PolicyDocument>? Policies);

    private static BuiltPrincipal BuildPrincipal(SnapshotPrincipal p, int index)
    {
        var account = Require(p.AccountId, $"principal {index + 1} has no accountId");
        var name = Require(p.Name, $"principal {index + 1} has no name");
        var kind = p.Kind switch
        {
            null or "User" => PrincipalKind.User,
            "Role" => PrincipalKind.Role,
            _ => throw Invalid($"principal {name} has an unknown kind '{p.Kind}' (User or Role)"),
        };
        var policies = p.Policies?.ToDictionary(e => e.Key, e => Parse(e.Value, identity: true, $"identity policy '{e.Key}' of {name}"), StringComparer.Ordinal);
        if (account.Length != 12 || !account.All(char.IsAsciiDigit)) throw Invalid($"principal {name} has account ID '{account}', which is not 12 digits");
        return new BuiltPrincipal(account, name, kind, policies);
    }

    private static PolicyDocument Parse(string text, bool identity, string what)
    {
        try
        {
            return identity ? PolicyDocument.ParseIdentityPolicy(text) : PolicyDocument.ParseKeyPolicy(text);
        }
        catch (KmsException e)
        {
            throw Invalid($"{what} is not a valid policy: {e.Message}");
        }
    }

    private sealed record BuiltRegion(string AccountId, string Region, List<KmsKey> Keys, List<KmsAlias> Aliases, List<Guid> Deleted, List<(string Token, KmsGrant Grant)> GrantTokens,
        Dictionary<KmsKey, string> PrimaryRegions, List<CustomKeyStore> KeyStores, List<CloudHsmCluster> Clusters);

    private static BuiltRegion BuildRegion(SnapshotRegion r, int index)
    {
        var account = Require(r.AccountId, $"region entry {index + 1} has no accountId");
        if (account.Length != 12 || !account.All(char.IsAsciiDigit)) throw Invalid($"region entry {index + 1} has account ID '{account}', which is not 12 digits");
        var region = Require(r.Region, $"region entry {index + 1} has no region");
        var where = $"{account}/{region}";
        var keys = new List<KmsKey>();
        var byId = new Dictionary<Guid, KmsKey>();
        var tokens = new List<(string, KmsGrant)>();
        var primaryRegions = new Dictionary<KmsKey, string>();
        var clusters = (r.CloudHsmClusters ?? []).Select((c, i) => BuildCluster(c, $"CloudHSM cluster {i + 1} in {where}")).ToList();
        if (clusters.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1) is { } clusterTwice) throw Invalid($"CloudHSM cluster {clusterTwice.Key} appears twice in {where}");
        var stores = (r.KeyStores ?? []).Select((s, i) => BuildKeyStore(s, $"custom key store {i + 1} in {where}", clusters)).ToList();
        if (stores.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1) is { } twice) throw Invalid($"custom key store {twice.Key} appears twice in {where}");
        foreach (var (k, i) in (r.Keys ?? []).Select((k, i) => (k, i)))
        {
            var key = BuildKey(k, account, region, $"key {i + 1} in {where}", tokens, primaryRegions, stores);
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
        return new BuiltRegion(account, region, keys, aliases, r.DeletedKeyIds ?? [], tokens, primaryRegions, stores, clusters);
    }

    private static CloudHsmCluster BuildCluster(SnapshotCloudHsmCluster c, string what)
    {
        var cluster = new CloudHsmCluster(Require(c.Id, $"{what} has no id"), Require(c.BackupHistory, $"{what} has no backupHistory"),
            Require(c.TrustAnchorCertificate, $"{what} has no trustAnchorCertificate"), c.SubnetZones ?? [])
        {
            State = Require(c.State, $"{what} has no state"),
            SecurityGroupAllowsKms = !c.SecurityGroupRulesRemoved,
            KmsUser = c.KmsUser is { } u ? new CloudHsmCryptoUser(Require(u.Password, $"the kmsuser of {what} has no password")) { FailedLogins = u.FailedLogins, LockedOut = u.LockedOut, LoggedIn = u.LoggedIn } : null,
        };
        if (cluster.State is not (CloudHsmClusterStates.Uninitialized or CloudHsmClusterStates.Active or CloudHsmClusterStates.Deleted)) throw Invalid($"{what} has an unknown state '{cluster.State}'");
        foreach (var h in c.Hsms ?? []) cluster.Hsms.Add((Require(h.Id, $"an HSM of {what} has no id"), Require(h.Zone, $"an HSM of {what} has no zone")));
        foreach (var label in c.KeyLabels ?? []) cluster.KeyLabels.Add(label);
        foreach (var zone in c.DeletedSubnets ?? []) cluster.DeletedSubnets.Add(zone);
        foreach (var zone in c.FullSubnets ?? []) cluster.FullSubnets.Add(zone);
        return cluster;
    }

    private static CustomKeyStore BuildKeyStore(SnapshotKeyStore s, string what, List<CloudHsmCluster> clusters)
    {
        var id = Require(s.Id, $"{what} has no id");
        var name = Require(s.Name, $"{what} has no name");
        var type = Require(s.Type, $"{what} has no type");
        CustomKeyStore store;
        if (type == CustomKeyStore.CloudHsmType)
        {
            var clusterId = Require(s.CloudHsmClusterId, $"{what} has no cloudHsmClusterId");
            var cluster = clusters.FirstOrDefault(c => c.Id == clusterId) ?? throw Invalid($"{what} names CloudHSM cluster {clusterId}, which is not in the file");
            store = new CustomKeyStore(id, name, s.CreationDate, new CloudHsmStoreSettings(cluster,
                Require(s.TrustAnchorCertificate, $"{what} has no trustAnchorCertificate"), Require(s.KeyStorePassword, $"{what} has no keyStorePassword")));
        }
        else if (type == CustomKeyStore.ExternalKeyStoreType)
        {
            store = new CustomKeyStore(id, name, s.CreationDate, new XksProxySettings(Require(s.UriEndpoint, $"{what} has no uriEndpoint"), Require(s.UriPath, $"{what} has no uriPath"),
                Require(s.Connectivity, $"{what} has no connectivity"), Require(s.AccessKeyId, $"{what} has no accessKeyId"), Require(s.SecretAccessKey, $"{what} has no secretAccessKey")));
        }
        else
        {
            throw Invalid($"{what} has an unknown type '{type}'");
        }
        var state = Require(s.ConnectionState, $"{what} has no connectionState");
        if (state is not (CustomKeyStoreStates.Connected or CustomKeyStoreStates.Connecting or CustomKeyStoreStates.Disconnected or CustomKeyStoreStates.Disconnecting or CustomKeyStoreStates.Failed))
        {
            throw Invalid($"{what} has an unknown connectionState '{state}'");
        }
        // An external key store's connection that was being made when the server stopped did not
        // finish: it starts again disconnected. A CloudHSM key store's ends on the lab clock, which was saved too.
        bool resumes = state == CustomKeyStoreStates.Connecting && store.CloudHsm is not null && s.ConnectsAt is not null;
        store.ConnectionState = state == CustomKeyStoreStates.Connecting && !resumes ? CustomKeyStoreStates.Disconnected : state;
        store.ConnectionErrorCode = s.ConnectionErrorCode;
        store.ConnectsAt = resumes ? s.ConnectsAt : null;
        return store;
    }

    /// <summary>
    /// Joins the multi-Region keys of the file into their sets: the keys with one ID in one
    /// account's Regions, which must agree on their primary Region and include a key there.
    /// </summary>
    private static void RelateMultiRegionKeys(List<BuiltRegion> regions)
    {
        var primaryRegions = regions.SelectMany(r => r.PrimaryRegions).ToDictionary(p => p.Key, p => p.Value);
        var keys = regions.SelectMany(r => r.Keys).Where(primaryRegions.ContainsKey).ToList();
        foreach (var group in keys.GroupBy(k => (k.AccountId, k.Id)))
        {
            var members = group.OrderBy(k => k.CreationDate).ThenBy(k => k.Region, StringComparer.Ordinal).ToList();
            var primaryRegion = primaryRegions[members[0]];
            var what = $"the multi-Region key {members[0].KeyId} of account {group.Key.AccountId}";
            if (members.Any(k => primaryRegions[k] != primaryRegion)) throw Invalid($"the keys of {what} disagree on their primary Region");
            var primary = members.FirstOrDefault(k => k.Region == primaryRegion) ?? throw Invalid($"{what} has no key in its primary Region {primaryRegion}");
            var set = new MultiRegionSet(primary.Id, primary.AccountId, primaryRegion);
            foreach (var key in members)
            {
                if (key != primary) set.Add(key.Region);
                key.MultiRegion = set;
            }
        }
    }

    private static KmsKey BuildKey(SnapshotKey k, string account, string region, string what, List<(string, KmsGrant)> tokens, Dictionary<KmsKey, string> primaryRegions, List<CustomKeyStore> stores)
    {
        var store = k.CustomKeyStoreId is { } storeId
            ? stores.FirstOrDefault(s => s.Id == storeId) ?? throw Invalid($"{what} is in custom key store {storeId}, which is not in the file")
            : null;
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
            k.Description ?? "", Parse(Require(k.Policy, $"{what} has no policy"), identity: false, $"the key policy of {what}"), multiRegion: k.MultiRegion == true)
        {
            SettlesAt = k.SettlesAt,
            KeyManager = k.KeyManager ?? "CUSTOMER",
            KeyStore = store,
            XksKeyId = k.XksKeyId,
            State = Require(k.State, $"{what} has no state"),
            DeletionDate = k.DeletionDate,
            PendingWindowInDays = k.PendingWindowInDays,
            RotationEnabled = k.RotationEnabled,
            RotationPeriodInDays = k.RotationPeriodInDays == 0 ? KmsLimits.DefaultRotationPeriodInDays : k.RotationPeriodInDays,
            RotationBase = k.RotationBase,
            OnDemandRotationCount = k.OnDemandRotationCount,
            LastUse = k.LastUse is { } use
                ? new KeyLastUse(Require(use.Operation, $"the last use of {what} has no operation"), use.Time,
                    Require(use.RequestId, $"the last use of {what} has no requestId"), use.EventId)
                : null,
        };
        what = $"key {key.KeyId} in {account}/{region}";
        if (key.State is not (KeyState.Enabled or KeyState.Disabled or KeyState.PendingDeletion or KeyState.PendingImport
            or KeyState.Creating or KeyState.Updating or KeyState.PendingReplicaDeletion)) throw Invalid($"{what} has an unknown state '{key.State}'");
        if (key.State == KeyState.PendingDeletion && key.DeletionDate is null) throw Invalid($"{what} is pending deletion but has no deletionDate");
        if (k.MultiRegion == true) primaryRegions[key] = Require(k.PrimaryRegion, $"{what} is a multi-Region key but has no primaryRegion");
        else if (key.State is KeyState.Creating or KeyState.Updating or KeyState.PendingReplicaDeletion) throw Invalid($"{what} is in state {key.State}, which only multi-Region keys have");
        foreach (var t in k.Tags ?? []) key.Tags.Add(new(Require(t.Key, $"{what} has a tag without a key"), t.Value ?? ""));
        foreach (var (g, i) in (k.Grants ?? []).Select((g, i) => (g, i)))
        {
            var grant = new KmsGrant
            {
                GrantId = Require(g.GrantId, $"grant {i + 1} of {what} has no grantId"),
                Key = key,
                Name = g.Name,
                CreationDate = g.CreationDate,
                GranteePrincipal = g.GranteePrincipal ?? (g.GranteeServicePrincipal is null ? throw Invalid($"grant {i + 1} of {what} has no granteePrincipal") : null),
                RetiringPrincipal = g.RetiringPrincipal,
                GranteeServicePrincipal = g.GranteeServicePrincipal,
                RetiringServicePrincipal = g.RetiringServicePrincipal,
                SourceArn = g.SourceArn,
                IssuingAccount = Require(g.IssuingAccount, $"grant {i + 1} of {what} has no issuingAccount"),
                Operations = g.Operations is { Count: > 0 } ops ? ops : throw Invalid($"grant {i + 1} of {what} has no operations"),
                EncryptionContextEquals = g.EncryptionContextEquals,
                EncryptionContextSubset = g.EncryptionContextSubset,
            };
            key.Grants.Add(grant);
            foreach (var token in g.Tokens ?? []) tokens.Add((token, grant));
        }
        var materials = k.Materials ?? [];
        // Only an EXTERNAL key may be without material (before its first import, after expiry or deletion).
        if (materials.Count == 0 && key.Origin != "EXTERNAL") throw Invalid($"{what} has no key material");
        var restored = new List<KeyMaterial>();
        foreach (var (m, i) in materials.Select((m, i) => (m, i)))
        {
            var idBytes = Hex(Require(m.Id, $"material {i + 1} of {what} has no id"), $"the id of material {i + 1} of {what}");
            var secret = m.Secret ?? throw Invalid($"material {i + 1} of {what} has no secret");
            if (KeyMaterial.Canonicalize(spec, secret) is null) throw Invalid($"material {i + 1} of {what} is not {spec.Name} key material");
            restored.Add(KeyMaterial.Restore(spec, idBytes, secret, m.CreatedAt, m.RotationType));
        }
        if (key.Origin != "EXTERNAL")
        {
            foreach (var m in restored) key.AddMaterial(m);
            return key;
        }
        RestoreImportedMaterials(k, key, spec, restored, what);
        key.SyncImportedMaterials();
        return key;
    }

    /// <summary>The imported materials of an EXTERNAL key: from <see cref="SnapshotKey.ImportedMaterials"/>, or as an older file described its one material.</summary>
    private static void RestoreImportedMaterials(SnapshotKey k, KmsKey key, KeySpecInfo spec, List<KeyMaterial> restored, string what)
    {
        if (k.ImportedMaterials is null)
        {
            if (k.ImportedMaterialId is not { } legacyId) return;
            var only = new ImportedMaterial(Hex(legacyId, $"the importedMaterialId of {what}")) { State = KeyMaterialStates.Current };
            only.Secret = restored.FirstOrDefault(m => m.Id == only.Id);
            if (only.Secret is not null)
            {
                only.ExpirationModel = k.ExpirationModel;
                only.ValidTo = k.ValidTo;
            }
            key.ImportedMaterials.Add(only);
            return;
        }
        foreach (var (m, i) in k.ImportedMaterials.Select((m, i) => (m, i)))
        {
            var place = $"imported material {i + 1} of {what}";
            var state = Require(m.State, $"{place} has no state");
            if (state is not (KeyMaterialStates.Current or KeyMaterialStates.NonCurrent or KeyMaterialStates.PendingRotation)) throw Invalid($"{place} has an unknown state '{state}'");
            var entry = new ImportedMaterial(Hex(Require(m.Id, $"{place} has no id"), $"the id of {place}"))
            {
                Description = m.Description,
                State = state,
                RotationDate = m.RotationDate,
            };
            if (m.Imported)
            {
                if (entry.IsBound)
                {
                    entry.Secret = restored.FirstOrDefault(r => r.Id == entry.Id) ?? throw Invalid($"{place} is imported but its secret is not among the key's materials");
                }
                else
                {
                    var secret = m.Secret ?? throw Invalid($"{place} is pending rotation and imported but has no secret");
                    if (KeyMaterial.Canonicalize(spec, secret) is null) throw Invalid($"{place} is not {spec.Name} key material");
                    entry.Secret = KeyMaterial.Imported(spec, entry.IdBytes, secret, m.CreatedAt);
                }
                entry.ExpirationModel = m.ExpirationModel;
                entry.ValidTo = m.ValidTo;
            }
            key.ImportedMaterials.Add(entry);
        }
    }

    private static byte[] Hex(string hex, string what)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw Invalid($"{what} is not hexadecimal");
        }
        if (bytes.Length != KeyMaterial.IdLength) throw Invalid($"{what} is {bytes.Length} bytes, not {KeyMaterial.IdLength}");
        return bytes;
    }

    private static string Require(string? value, string problem) => value ?? throw Invalid(problem);

    private static InvalidDataException Invalid(string problem) => new(problem);
}
