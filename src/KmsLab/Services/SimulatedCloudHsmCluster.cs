using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KmsLab.Simulation;
using KmsLab.Simulation.KeyStores;

namespace KmsLab.Services;

/// <summary>An HSM of a simulated CloudHSM cluster.</summary>
/// <param name="HsmId">Its ID (<c>hsm-</c>…).</param>
/// <param name="AvailabilityZone">The Availability Zone of its subnet.</param>
public sealed record SimulatedHsm(string HsmId, string AvailabilityZone);

/// <summary>
/// A simulated AWS CloudHSM cluster in the lab's account and default Region, to back a CloudHSM
/// key store (<c>CreateCustomKeyStore</c> with <c>CloudHsmClusterId</c>, <c>TrustAnchorCertificate</c>
/// and the <c>kmsuser</c> password). Its methods stand for what you would do with the CloudHSM
/// API and CloudHSM CLI (add or delete HSMs, manage the <c>kmsuser</c> crypto user, restore a
/// backup), so that every state KMS reports can be produced: a cluster without two HSMs in
/// different Availability Zones, a wrong or locked-out <c>kmsuser</c>, a related cluster.
/// </summary>
/// <remarks>
/// Only what KMS sees of the cluster is simulated. There is no HSM: the keys KMS creates "in the
/// cluster" are labels here, and their material is the simulator's, like any other KMS key's.
/// Nothing is FIPS 140 validated, and no CloudHSM API or client (cloudhsm-cli, PKCS #11, JCE)
/// reaches it. On real AWS, create a cluster with <c>aws cloudhsmv2 create-cluster</c> (it costs
/// money by the hour for each HSM).
/// </remarks>
public sealed class SimulatedCloudHsmCluster
{
    private readonly Lab _lab;
    private readonly CloudHsmCluster _cluster;

    private SimulatedCloudHsmCluster(Lab lab, CloudHsmCluster cluster)
    {
        _lab = lab;
        _cluster = cluster;
    }

    /// <summary>The cluster ID (<c>cluster-</c> and 11 characters), for <c>CloudHsmClusterId</c>.</summary>
    public string ClusterId => _cluster.Id;

    /// <summary><c>UNINITIALIZED</c>, <c>ACTIVE</c> or <c>DELETED</c>.</summary>
    public string State => Locked(() => _cluster.State);

    /// <summary>The PEM of the trust anchor (the <c>customerCA.crt</c> made when the cluster was initialized), for <c>TrustAnchorCertificate</c>.</summary>
    public string TrustAnchorCertificate => _cluster.TrustAnchorCertificate;

    /// <summary>The Availability Zones of the cluster's private subnets (where HSMs can go).</summary>
    public IReadOnlyList<string> AvailabilityZones => Locked(() => _cluster.LiveSubnetZones.ToList());

    /// <summary>The cluster's active HSMs.</summary>
    public IReadOnlyList<SimulatedHsm> Hsms => Locked(() => _cluster.Hsms.Select(h => new SimulatedHsm(h.Id, h.Zone)).ToList());

    /// <summary>
    /// The labels of the keys KMS created in the cluster: each is the ID of the KMS key it backs. A
    /// label whose KMS key is gone is orphaned key material (the key was deleted while its key store was disconnected).
    /// </summary>
    public IReadOnlyList<string> KeyLabels => Locked(() => _cluster.KeyLabels.ToList());

    /// <summary>Whether the cluster has a <c>kmsuser</c> crypto user.</summary>
    public bool HasKmsUser => Locked(() => _cluster.KmsUser is not null);

    /// <summary>Whether <c>kmsuser</c> is locked out (after <see cref="CloudHsmCluster.FailedLoginsBeforeLockout"/> failed logins).</summary>
    public bool KmsUserLockedOut => Locked(() => _cluster.KmsUser?.LockedOut == true);

    internal static SimulatedCloudHsmCluster Create(Lab lab, string? kmsUserPassword, int hsmCount, bool activated, CloudHsmCluster? backupOf = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hsmCount);
        if (kmsUserPassword is not null) CheckPassword(kmsUserPassword);
        var region = lab.DefaultRegion.SystemName;
        var world = lab.World;
        lock (world.Sync)
        {
            var kms = world.Region(lab.AccountId, region);
            var id = "cluster-" + RandomText(world.Random, 11);
            var cluster = new CloudHsmCluster(id, backupOf?.BackupHistory ?? id, backupOf?.TrustAnchorCertificate ?? NewTrustAnchor(world.Clock.GetUtcNow()),
                [region + "a", region + "b", region + "c"])
            {
                State = activated || backupOf is not null ? CloudHsmClusterStates.Active : CloudHsmClusterStates.Uninitialized,
            };
            if (backupOf is not null)
            {
                // A backup holds the cluster's users and keys.
                if (backupOf.KmsUser is { } user) cluster.KmsUser = new CloudHsmCryptoUser(user.Password) { LockedOut = user.LockedOut, FailedLogins = user.FailedLogins };
                foreach (var label in backupOf.KeyLabels) cluster.KeyLabels.Add(label);
            }
            if (kmsUserPassword is not null) cluster.KmsUser = new CloudHsmCryptoUser(kmsUserPassword);
            var handle = new SimulatedCloudHsmCluster(lab, cluster);
            for (int i = 0; i < hsmCount; i++) handle.AddHsm(null);
            kms.CloudHsmClusters.Add(cluster);
            return handle;
        }
    }

    /// <summary>Adds an HSM in an Availability Zone of the cluster's subnets (by default the zone with the fewest HSMs).</summary>
    /// <exception cref="ArgumentException">The zone is not one of <see cref="AvailabilityZones"/>.</exception>
    public SimulatedHsm CreateHsm(string? availabilityZone = null) => Locked(() =>
    {
        EnsureNotDeleted();
        return AddHsm(availabilityZone);
    });

    /// <summary>Deletes an HSM (its keys stay in the cluster's other HSMs and backups).</summary>
    /// <exception cref="ArgumentException">The cluster has no HSM with that ID.</exception>
    public void DeleteHsm(string hsmId) => Locked(() =>
    {
        int index = _cluster.Hsms.FindIndex(h => h.Id == hsmId);
        if (index < 0) throw new ArgumentException($"Cluster {ClusterId} has no HSM {hsmId}.", nameof(hsmId));
        _cluster.Hsms.RemoveAt(index);
        return 0;
    });

    /// <summary>Initializes and activates an UNINITIALIZED cluster: it becomes ACTIVE.</summary>
    public void Activate() => Locked(() =>
    {
        EnsureNotDeleted();
        _cluster.State = CloudHsmClusterStates.Active;
        return 0;
    });

    /// <summary>Creates the <c>kmsuser</c> crypto user (CloudHSM CLI: <c>user create --username kmsuser --role crypto-user</c>).</summary>
    /// <exception cref="InvalidOperationException">The cluster has a kmsuser already.</exception>
    public void CreateKmsUser(string password) => Locked(() =>
    {
        CheckPassword(password);
        if (_cluster.KmsUser is not null) throw new InvalidOperationException($"Cluster {ClusterId} already has a {CloudHsmCluster.KmsUserName}.");
        _cluster.KmsUser = new CloudHsmCryptoUser(password);
        return 0;
    });

    /// <summary>
    /// Sets the <c>kmsuser</c> password (an admin's <c>user change-password</c>), which also unlocks
    /// it. KMS does not learn it: tell it with <c>UpdateCustomKeyStore</c>'s <c>KeyStorePassword</c>.
    /// </summary>
    public void ChangeKmsUserPassword(string password) => Locked(() =>
    {
        CheckPassword(password);
        var user = KmsUser();
        user.Password = password;
        user.LockedOut = false;
        user.FailedLogins = 0;
        return 0;
    });

    /// <summary>Deletes the <c>kmsuser</c> crypto user.</summary>
    public void DeleteKmsUser() => Locked(() =>
    {
        KmsUser();
        _cluster.KmsUser = null;
        return 0;
    });

    /// <summary>Logs in to the cluster as <c>kmsuser</c> (as you might to inspect its keys); while you are logged in, KMS cannot connect.</summary>
    /// <exception cref="InvalidOperationException">The password is wrong (a failed login, counted towards lockout) or kmsuser is locked out.</exception>
    public void LogInAsKmsUser(string password) => Locked(() =>
    {
        var user = KmsUser();
        if (user.LockedOut) throw new InvalidOperationException($"{CloudHsmCluster.KmsUserName} is locked out of cluster {ClusterId}; an admin must change its password.");
        if (!user.CheckPassword(password))
        {
            throw new InvalidOperationException($"Wrong password for {CloudHsmCluster.KmsUserName} (failed login {user.FailedLogins} of {CloudHsmCluster.FailedLoginsBeforeLockout}).");
        }
        user.LoggedIn = true;
        return 0;
    });

    /// <summary>Logs <c>kmsuser</c> out of the cluster.</summary>
    public void LogOutKmsUser() => Locked(() =>
    {
        KmsUser().LoggedIn = false;
        return 0;
    });

    /// <summary>Deletes the cluster's private subnet in an Availability Zone (it must hold no HSM): KMS then reports SUBNET_NOT_FOUND.</summary>
    /// <exception cref="ArgumentException">The cluster has no subnet there.</exception>
    /// <exception cref="InvalidOperationException">An HSM is in that subnet.</exception>
    public void DeleteSubnet(string availabilityZone) => Locked(() =>
    {
        if (!_cluster.LiveSubnetZones.Contains(availabilityZone)) throw new ArgumentException($"Cluster {ClusterId} has no subnet in {availabilityZone}.", nameof(availabilityZone));
        if (_cluster.Hsms.Any(h => h.Zone == availabilityZone)) throw new InvalidOperationException($"Delete the HSMs in {availabilityZone} before you delete its subnet.");
        _cluster.DeletedSubnets.Add(availabilityZone);
        return 0;
    });

    /// <summary>
    /// Fills (or, with <paramref name="full"/> false, frees) the IP addresses of the cluster's subnet in
    /// an Availability Zone, as other resources in it might: KMS needs a free address in each subnet to
    /// connect (INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET).
    /// </summary>
    public void UseAllSubnetAddresses(string availabilityZone, bool full = true) => Locked(() =>
    {
        if (!_cluster.LiveSubnetZones.Contains(availabilityZone)) throw new ArgumentException($"Cluster {ClusterId} has no subnet in {availabilityZone}.", nameof(availabilityZone));
        if (full) _cluster.FullSubnets.Add(availabilityZone);
        else _cluster.FullSubnets.Remove(availabilityZone);
        return 0;
    });

    /// <summary>
    /// Removes (or, with <paramref name="removed"/> false, puts back) the rules of the cluster's security
    /// group that let its members reach each other on TCP 2223–2225: KMS can no longer connect
    /// (NETWORK_ERRORS) and the cluster no longer backs a new store or key.
    /// </summary>
    public void RemoveSecurityGroupRules(bool removed = true) => Locked(() =>
    {
        _cluster.SecurityGroupAllowsKms = !removed;
        return 0;
    });

    /// <summary>Creates a cluster from a backup of this one: it shares this cluster's backup history, trust anchor, users and keys (KMS calls it related).</summary>
    public SimulatedCloudHsmCluster CreateClusterFromBackup(int hsmCount = 2) => Create(_lab, null, hsmCount, activated: true, backupOf: _cluster);

    /// <summary>Deletes the cluster; CloudHSM requires its HSMs to be deleted first.</summary>
    /// <exception cref="InvalidOperationException">The cluster still has HSMs.</exception>
    public void Delete() => Locked(() =>
    {
        if (_cluster.Hsms.Count > 0) throw new InvalidOperationException($"Delete the {_cluster.Hsms.Count} HSM(s) of cluster {ClusterId} before you delete it.");
        _cluster.State = CloudHsmClusterStates.Deleted;
        return 0;
    });

    /// <inheritdoc/>
    public override string ToString() => Locked(() =>
        $"CloudHSM cluster {ClusterId} ({_cluster.State}): {_cluster.Hsms.Count} HSM(s) in {string.Join(", ", _cluster.Hsms.Select(h => h.Zone).Distinct())}; " +
        $"kmsuser {(_cluster.KmsUser is null ? "missing" : _cluster.KmsUser.LockedOut ? "locked out" : "present")}; {_cluster.KeyLabels.Count} key(s)");

    private SimulatedHsm AddHsm(string? zone)
    {
        zone ??= _cluster.LiveSubnetZones.Where(z => !_cluster.FullSubnets.Contains(z)).OrderBy(z => _cluster.Hsms.Count(h => h.Zone == z)).FirstOrDefault()
            ?? throw new InvalidOperationException($"Cluster {ClusterId} has no subnet with a free IP address for an HSM.");
        if (!_cluster.LiveSubnetZones.Contains(zone)) throw new ArgumentException($"Cluster {ClusterId} has subnets in {string.Join(", ", _cluster.LiveSubnetZones)}, not in {zone}.", nameof(zone));
        if (_cluster.FullSubnets.Contains(zone)) throw new InvalidOperationException($"The subnet of cluster {ClusterId} in {zone} has no free IP address for an HSM.");
        var hsm = (Id: "hsm-" + RandomText(_lab.World.Random, 11), Zone: zone);
        _cluster.Hsms.Add(hsm);
        return new SimulatedHsm(hsm.Id, hsm.Zone);
    }

    private CloudHsmCryptoUser KmsUser() =>
        _cluster.KmsUser ?? throw new InvalidOperationException($"Cluster {ClusterId} has no {CloudHsmCluster.KmsUserName}: create it with CreateKmsUser.");

    private void EnsureNotDeleted()
    {
        if (_cluster.State == CloudHsmClusterStates.Deleted) throw new InvalidOperationException($"Cluster {ClusterId} is deleted.");
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_lab.World.Sync) return read();
    }

    private static void CheckPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        // KeyStorePassword takes 7 to 32 characters: a kmsuser password KMS could never be told is of no use.
        if (password.Length is < 7 or > 32) throw new ArgumentException("A kmsuser password for a CloudHSM key store has 7 to 32 characters.", nameof(password));
    }

    /// <summary>CloudHSM's IDs: lowercase letters and digits 2–7.</summary>
    private static string RandomText(RandomNumberGenerator random, int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        Span<byte> bytes = stackalloc byte[length];
        random.GetBytes(bytes);
        return string.Create(length, bytes.ToArray(), static (chars, b) =>
        {
            for (int i = 0; i < chars.Length; i++) chars[i] = alphabet[b[i] % alphabet.Length];
        });
    }

    /// <summary>A self-signed CA certificate, as the customerCA.crt made when a cluster is initialized (ECDSA P-256 here).</summary>
    private static string NewTrustAnchor(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=customerCA, O=KmsLab simulated CloudHSM", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return certificate.ExportCertificatePem();
    }
}
