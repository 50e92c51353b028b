using System.Text.Json.Serialization;

namespace KmsLab.Persistence;

// The state file's shapes: everything KMS keeps, as plain data. One class per kind of thing, each
// member named as the engine names it. To persist a new field: add a member here, fill it in
// WorldSnapshots.Capture and read it in WorldSnapshots.Restore (old files lack it: treat null as
// the engine's default). Bump CurrentVersion only for changes an older KmsLab must not misread.

/// <summary>The whole simulated world at one moment: what <c>kmslab serve --state FILE</c> keeps.</summary>
internal sealed class WorldSnapshot
{
    public const string FormatName = "kmslab-state";
    public const int CurrentVersion = 1;

    public string? Format { get; set; }
    public int Version { get; set; }

    /// <summary>The lab's own account (the one its principals live in).</summary>
    public string? AccountId { get; set; }

    /// <summary>The lab's second account, for cross-account lessons.</summary>
    public string? PartnerAccountId { get; set; }

    public SnapshotClock? Clock { get; set; }

    /// <summary>
    /// The simulated service's own secrets (see <see cref="WorldSecrets"/>): without them, import
    /// tokens issued before a restart would not open and re-imported material would get another ID.
    /// </summary>
    public byte[]? WorldSecrets { get; set; }
    public List<SnapshotPrincipal>? Principals { get; set; }
    public List<SnapshotRegion>? Regions { get; set; }

    /// <summary>Not saved: how many spontaneous changes (see <see cref="Simulation.KmsWorld.SpontaneousChanges"/>) this snapshot includes.</summary>
    [JsonIgnore]
    public long SpontaneousChanges { get; set; }
}

internal sealed class SnapshotClock
{
    /// <summary>How far the simulated clock had been advanced past its source.</summary>
    public TimeSpan Offset { get; set; }

    /// <summary>The simulated time when the snapshot was taken; a restored clock never shows an earlier time.</summary>
    public DateTimeOffset Now { get; set; }
}

/// <summary>An IAM user or role. Its access key is not saved: it is derived from account, kind and name.</summary>
internal sealed class SnapshotPrincipal
{
    public string? AccountId { get; set; }
    public string? Name { get; set; }

    /// <summary><c>User</c> (the default, for files written before roles existed) or <c>Role</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>Inline identity policies by name (JSON text). Absent: keep the lab's defaults.</summary>
    public Dictionary<string, string>? Policies { get; set; }
}

/// <summary>One account's KMS in one Region.</summary>
internal sealed class SnapshotRegion
{
    public string? AccountId { get; set; }
    public string? Region { get; set; }

    /// <summary>Keys in creation order (the order ListKeys returns).</summary>
    public List<SnapshotKey>? Keys { get; set; }
    public List<SnapshotAlias>? Aliases { get; set; }

    /// <summary>Keys deleted here: their ciphertexts say NotFoundException, not InvalidCiphertextException.</summary>
    public List<Guid>? DeletedKeyIds { get; set; }

    /// <summary>Custom key stores in creation order. Absent in files written before they were simulated.</summary>
    public List<SnapshotKeyStore>? KeyStores { get; set; }

    /// <summary>Simulated CloudHSM clusters in creation order. Absent in files written before they were simulated.</summary>
    public List<SnapshotCloudHsmCluster>? CloudHsmClusters { get; set; }
}

/// <summary>A simulated CloudHSM cluster, with its kmsuser's password (the state file is the account's secret, mode 0600).</summary>
internal sealed class SnapshotCloudHsmCluster
{
    public string? Id { get; set; }
    public string? BackupHistory { get; set; }
    public string? TrustAnchorCertificate { get; set; }
    public List<string>? SubnetZones { get; set; }
    public string? State { get; set; }
    public List<SnapshotHsm>? Hsms { get; set; }
    public SnapshotCryptoUser? KmsUser { get; set; }
    public List<string>? KeyLabels { get; set; }
    public List<string>? DeletedSubnets { get; set; }
    public List<string>? FullSubnets { get; set; }
    public bool SecurityGroupRulesRemoved { get; set; }
}

internal sealed class SnapshotHsm
{
    public string? Id { get; set; }
    public string? Zone { get; set; }
}

internal sealed class SnapshotCryptoUser
{
    public string? Password { get; set; }
    public int FailedLogins { get; set; }
    public bool LockedOut { get; set; }
    public bool LoggedIn { get; set; }
}

/// <summary>A custom key store: an external key store with the proxy credential KMS signs with, or a CloudHSM key store with its kmsuser password (the state file is the account's secret, mode 0600).</summary>
internal sealed class SnapshotKeyStore
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Type { get; set; }
    public DateTimeOffset CreationDate { get; set; }
    public string? ConnectionState { get; set; }
    public string? ConnectionErrorCode { get; set; }
    public string? UriEndpoint { get; set; }
    public string? UriPath { get; set; }
    public string? Connectivity { get; set; }
    public string? AccessKeyId { get; set; }
    public string? SecretAccessKey { get; set; }
    public string? CloudHsmClusterId { get; set; }
    public string? TrustAnchorCertificate { get; set; }
    public string? KeyStorePassword { get; set; }
    public DateTimeOffset? ConnectsAt { get; set; }
}

internal sealed class SnapshotKey
{
    public Guid KeyId { get; set; }
    public DateTimeOffset CreationDate { get; set; }
    public string? KeySpec { get; set; }
    public string? KeyUsage { get; set; }
    public string? Origin { get; set; }
    public string? KeyManager { get; set; }
    public string? Description { get; set; }
    public string? Policy { get; set; }
    public string? State { get; set; }
    public DateTimeOffset? DeletionDate { get; set; }
    public int? PendingWindowInDays { get; set; }
    public bool RotationEnabled { get; set; }
    public int RotationPeriodInDays { get; set; }
    public DateTimeOffset RotationBase { get; set; }
    public int OnDemandRotationCount { get; set; }

    /// <summary>Keys in an external key store: the store's ID and the external key's ID.</summary>
    public string? CustomKeyStoreId { get; set; }
    public string? XksKeyId { get; set; }

    /// <summary>EXTERNAL keys: the KeyMaterialId (hex) of the material first imported, which every later import must match.</summary>
    public string? ImportedMaterialId { get; set; }

    /// <summary>EXTERNAL keys: when the imported material expires.</summary>
    public DateTimeOffset? ValidTo { get; set; }

    /// <summary>EXTERNAL keys: KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE while material is imported.</summary>
    public string? ExpirationModel { get; set; }

    /// <summary>Multi-Region keys: true (absent for single-Region keys). The related keys are the keys with the same ID in the account's other Regions.</summary>
    public bool? MultiRegion { get; set; }

    /// <summary>Multi-Region keys: the Region of the primary key (the same in every key of the set).</summary>
    public string? PrimaryRegion { get; set; }

    /// <summary>Multi-Region keys in a transient state (Creating, Updating): when it ends.</summary>
    public DateTimeOffset? SettlesAt { get; set; }

    public List<SnapshotTag>? Tags { get; set; }

    /// <summary>The key's grants, in creation order.</summary>
    public List<SnapshotGrant>? Grants { get; set; }

    /// <summary>Every material version, oldest first; the last is the current one. EXTERNAL keys pending import have none.</summary>
    public List<SnapshotMaterial>? Materials { get; set; }

    /// <summary>The last call that used the key, as GetKeyLastUsage reports it. Absent: never used (or a file written before it was saved).</summary>
    public SnapshotLastUse? LastUse { get; set; }

    /// <summary>
    /// EXTERNAL keys: every imported key material with its state (written since imported material
    /// rotates). The secrets of bound material are in <see cref="Materials"/>, matched by ID; only
    /// material pending rotation carries its own. Files without it (older KmsLab) describe one
    /// material through <see cref="ImportedMaterialId"/>, <see cref="ValidTo"/> and <see cref="ExpirationModel"/>.
    /// </summary>
    public List<SnapshotImportedMaterial>? ImportedMaterials { get; set; }
}

internal sealed class SnapshotLastUse
{
    public string? Operation { get; set; }
    public DateTimeOffset Time { get; set; }
    public string? RequestId { get; set; }
    public Guid EventId { get; set; }
}

internal sealed class SnapshotImportedMaterial
{
    public string? Id { get; set; }
    public string? Description { get; set; }

    /// <summary>CURRENT, NON_CURRENT or PENDING_ROTATION.</summary>
    public string? State { get; set; }

    public DateTimeOffset? RotationDate { get; set; }
    public string? ExpirationModel { get; set; }
    public DateTimeOffset? ValidTo { get; set; }

    /// <summary>Whether the secret is imported (false: PENDING_IMPORT, after expiry or deletion).</summary>
    public bool Imported { get; set; }

    /// <summary>The secret of material pending rotation (bound material keeps its secret in the key's Materials).</summary>
    public byte[]? Secret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class SnapshotTag
{
    public string? Key { get; set; }
    public string? Value { get; set; }
}

internal sealed class SnapshotMaterial
{
    /// <summary>The material ID as KMS shows it: 64 lowercase hex digits.</summary>
    public string? Id { get; set; }

    /// <summary>
    /// The secret (base64 in the file): the AES or HMAC key, or the PKCS#8 private key of a key pair;
    /// its kind follows from the key's spec. This is why the file is readable by its owner only.
    /// </summary>
    public byte[]? Secret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public string? RotationType { get; set; }
}

internal sealed class SnapshotGrant
{
    public string? GrantId { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset CreationDate { get; set; }
    public string? GranteePrincipal { get; set; }
    public string? RetiringPrincipal { get; set; }
    public string? GranteeServicePrincipal { get; set; }
    public string? RetiringServicePrincipal { get; set; }
    public string? SourceArn { get; set; }
    public string? IssuingAccount { get; set; }
    public List<string>? Operations { get; set; }
    public Dictionary<string, string>? EncryptionContextEquals { get; set; }
    public Dictionary<string, string>? EncryptionContextSubset { get; set; }

    /// <summary>The grant tokens issued for this grant (each CreateGrant call issues one).</summary>
    public List<string>? Tokens { get; set; }
}

internal sealed class SnapshotAlias
{
    public string? Name { get; set; }
    public Guid TargetKeyId { get; set; }
    public DateTimeOffset CreationDate { get; set; }
    public DateTimeOffset LastUpdatedDate { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WorldSnapshot))]
[JsonSerializable(typeof(SnapshotKey))]
[JsonSerializable(typeof(SnapshotAlias))]
[JsonSerializable(typeof(List<SnapshotPrincipal>))]
[JsonSerializable(typeof(List<SnapshotKeyStore>))]
[JsonSerializable(typeof(List<SnapshotCloudHsmCluster>))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
