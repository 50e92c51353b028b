namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// A simulated AWS CloudHSM cluster of one account in one Region: what KMS checks and uses when a
/// CloudHSM key store is backed by it. It models the cluster's life as KMS sees it (state, HSMs and
/// their Availability Zones, the <c>kmsuser</c> crypto user, the keys KMS made in it, the backup
/// history it shares with related clusters); it is not an HSM, and nothing in it is FIPS validated.
/// Mutated under the world lock.
/// </summary>
internal sealed class CloudHsmCluster(string id, string backupHistory, string trustAnchorCertificate, IReadOnlyList<string> subnetZones)
{
    /// <summary>
    /// Failed logins after which CloudHSM locks a crypto user out ("If you exceed five incorrect
    /// login attempts, your account is locked out", CloudHSM User Guide, cloudhsm_cli login).
    /// </summary>
    public const int FailedLoginsBeforeLockout = 5;

    /// <summary>The crypto user KMS logs in as.</summary>
    public const string KmsUserName = "kmsuser";

    public string Id { get; } = id;

    /// <summary>Clusters restored from one another's backups share this (and their cluster certificate): KMS calls them related.</summary>
    public string BackupHistory { get; } = backupHistory;

    /// <summary>The PEM of the customerCA.crt made when the cluster was initialized: the trust anchor a key store must present.</summary>
    public string TrustAnchorCertificate { get; } = trustAnchorCertificate;

    /// <summary>The Availability Zones of the cluster's private subnets.</summary>
    public IReadOnlyList<string> SubnetZones { get; } = subnetZones;

    /// <summary><c>UNINITIALIZED</c>, <c>ACTIVE</c> or <c>DELETED</c> (CloudHSM's DescribeClusters states KMS cares about).</summary>
    public string State { get; set; } = CloudHsmClusterStates.Uninitialized;

    /// <summary>The active HSMs: ID and Availability Zone.</summary>
    public List<(string Id, string Zone)> Hsms { get; } = [];

    /// <summary>The <c>kmsuser</c> crypto user, or null while the cluster has none.</summary>
    public CloudHsmCryptoUser? KmsUser { get; set; }

    /// <summary>The zones whose private subnet was deleted from the cluster's configuration.</summary>
    public SortedSet<string> DeletedSubnets { get; } = new(StringComparer.Ordinal);

    /// <summary>The zones whose private subnet has no free IP address (KMS needs one in each to connect).</summary>
    public SortedSet<string> FullSubnets { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the cluster's security group still has the rules it was created with (TCP 2223–2225 within the group), which KMS needs.</summary>
    public bool SecurityGroupAllowsKms { get; set; } = true;

    /// <summary>The labels (KMS key IDs) of the keys KMS made in the cluster, including orphans whose KMS key is gone.</summary>
    public SortedSet<string> KeyLabels { get; } = new(StringComparer.Ordinal);

    public bool IsActive => State == CloudHsmClusterStates.Active;

    /// <summary>What CreateCustomKeyStore, UpdateCustomKeyStore and CreateKey need: at least two active HSMs, in different Availability Zones.</summary>
    public bool HasHsmsInTwoZones => Hsms.Select(h => h.Zone).Distinct(StringComparer.Ordinal).Count() >= 2;

    /// <summary>The Availability Zones the cluster still has a private subnet in.</summary>
    public IEnumerable<string> LiveSubnetZones => SubnetZones.Where(z => !DeletedSubnets.Contains(z));

    /// <summary>What stops KMS's network connection to the cluster, as a ConnectionErrorCode; null if nothing does.</summary>
    public string? NetworkProblem =>
        DeletedSubnets.Count > 0 ? CloudHsmConnectionErrors.SubnetNotFound
        : FullSubnets.Count > 0 ? CloudHsmConnectionErrors.InsufficientFreeAddresses
        : !SecurityGroupAllowsKms ? CloudHsmConnectionErrors.NetworkErrors
        : null;

    /// <summary>KMS logging in as <c>kmsuser</c>: null when it may, else the ConnectionErrorCode that stops it. Counts failed logins.</summary>
    public string? KmsLogin(string password)
    {
        if (KmsUser is not { } user) return CloudHsmConnectionErrors.UserNotFound;
        if (user.LockedOut) return CloudHsmConnectionErrors.UserLockedOut;
        if (user.LoggedIn) return CloudHsmConnectionErrors.UserLoggedIn;
        return user.CheckPassword(password) ? null : CloudHsmConnectionErrors.InvalidCredentials;
    }
}
