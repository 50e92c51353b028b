using System.Security.Cryptography;
using KmsLab.Simulation.KeyStores;
using KmsLab.Simulation.Model;

namespace KmsLab.Simulation.Services;

/// <summary>
/// What KMS checks and does for CloudHSM key stores (CustomKeyStoreType AWS_CLOUDHSM) and their
/// KMS keys (Origin AWS_CLOUDHSM), against the account's simulated CloudHSM clusters: the cluster
/// must exist, be active and hold at least two active HSMs in different Availability Zones to back
/// a new store or key; a connection needs one active HSM and KMS's login as <c>kmsuser</c>, whose
/// password KMS then rotates. Every method runs under the world lock.
/// </summary>
/// <remarks>
/// The simulation is not an HSM: a key "in the cluster" is a label the cluster records, and its
/// material is the simulator's, like any other KMS key's. Nothing here is FIPS validated.
/// </remarks>
internal static class CloudHsmKeyStores
{
    /// <summary>The Origin of KMS keys in CloudHSM key stores.</summary>
    public const string Origin = "AWS_CLOUDHSM";

    /// <summary>The cluster an account has in this Region under that ID (a deleted one is not found), or CloudHsmClusterNotFoundException.</summary>
    public static CloudHsmCluster FindCluster(RegionalKms kms, string clusterId) =>
        kms.CloudHsmClusters.FirstOrDefault(c => c.Id == clusterId && c.State != CloudHsmClusterStates.Deleted)
        ?? throw new KmsException(KmsErrorCodes.CloudHsmClusterNotFound,
            $"There is no CloudHSM cluster {clusterId} in account {kms.AccountId} in {kms.Region}. KmsLab's clusters are simulated (no HSM, nothing FIPS validated): " +
            "create one in a lab with lab.CreateCloudHsmCluster() (KmsLab.Services); a cluster of a real AWS account is not reachable from the simulator.");

    /// <summary>CreateCustomKeyStore's checks of the cluster and the trust anchor, then the new store.</summary>
    public static CustomKeyStore Create(RegionalKms kms, string id, string name, DateTimeOffset now, CreateCustomKeyStoreRequest request)
    {
        var cluster = FindCluster(kms, request.CloudHsmClusterId!);
        CheckCanBackAStore(cluster);
        if (kms.KeyStores.FirstOrDefault(s => s.CloudHsm is { } other && other.Cluster.BackupHistory == cluster.BackupHistory) is { } taken)
        {
            throw new KmsException(KmsErrorCodes.CloudHsmClusterInUse, taken.CloudHsm!.ClusterId == cluster.Id
                ? $"Cluster {cluster.Id} is already associated with custom key store {taken.Id}. Each CloudHSM key store needs its own cluster."
                : $"Cluster {cluster.Id} shares a backup history with cluster {taken.CloudHsm.ClusterId} of custom key store {taken.Id}. Each CloudHSM key store needs an unrelated cluster.");
        }
        if (!SameCertificate(request.TrustAnchorCertificate!, cluster.TrustAnchorCertificate))
        {
            throw new KmsException(KmsErrorCodes.IncorrectTrustAnchor,
                $"The TrustAnchorCertificate is not the trust anchor of cluster {cluster.Id}: give the content of the customerCA.crt file made when the cluster was initialized.");
        }
        return new CustomKeyStore(id, name, now, new CloudHsmStoreSettings(cluster, request.TrustAnchorCertificate!, request.KeyStorePassword!));
    }

    /// <summary>UpdateCustomKeyStore for a CloudHSM key store: a related cluster, or the kmsuser password KMS should use.</summary>
    public static CloudHsmStoreSettings Update(RegionalKms kms, CustomKeyStore store, string? clusterId, string? password)
    {
        var settings = store.CloudHsm!;
        if (clusterId is not null && clusterId != settings.ClusterId)
        {
            var cluster = FindCluster(kms, clusterId);
            if (cluster.BackupHistory != settings.Cluster.BackupHistory)
            {
                throw new KmsException(KmsErrorCodes.CloudHsmClusterNotRelated,
                    $"Cluster {cluster.Id} does not share a backup history with cluster {settings.ClusterId}: a CloudHSM key store can move only to a cluster made from a backup of its own.");
            }
            CheckCanBackAStore(cluster);
            settings = settings with { Cluster = cluster };
        }
        else if (clusterId is not null)
        {
            CheckCanBackAStore(settings.Cluster);
        }
        return password is null ? settings : settings with { KmsUserPassword = password };
    }

    /// <summary>
    /// The end of a CloudHSM key store's connection attempt (<see cref="KmsFacts.CloudHsmConnectionMinutes"/>
    /// after ConnectCustomKeyStore): finds the cluster, needs one active HSM, logs in as kmsuser and
    /// rotates its password. Returns the ConnectionErrorCode, or null once connected.
    /// </summary>
    public static string? Connect(CustomKeyStore store, RandomNumberGenerator random)
    {
        var settings = store.CloudHsm!;
        var cluster = settings.Cluster;
        if (cluster.State == CloudHsmClusterStates.Deleted) return CloudHsmConnectionErrors.ClusterNotFound;
        if (cluster.Hsms.Count == 0) return CloudHsmConnectionErrors.InsufficientHsms;
        if (cluster.NetworkProblem is { } network) return network;
        if (cluster.KmsLogin(settings.KmsUserPassword) is { } error) return error;
        var rotated = NewPassword(random);
        cluster.KmsUser!.Password = rotated;
        store.CloudHsm = settings with { KmsUserPassword = rotated };
        return null;
    }

    /// <summary>CreateKey's checks for a key in a CloudHSM key store: a symmetric encryption key, not multi-Region, no XksKeyId.</summary>
    public static void CheckKeyRequest(CreateKeyRequest request, KeySpecInfo spec, string usage)
    {
        RequestValidator.Start()
            .Required(request.CustomKeyStoreId, "customKeyStoreId").Length(request.CustomKeyStoreId, "customKeyStoreId", 1, 64)
            .ThrowIfInvalid();
        if (request.XksKeyId is not null) throw KmsException.Validation("XksKeyId is for keys in external key stores (Origin EXTERNAL_KEY_STORE), not for Origin AWS_CLOUDHSM.");
        if (spec.Name != KeySpecInfo.SymmetricDefault || usage != "ENCRYPT_DECRYPT")
        {
            throw KmsException.Unsupported($"Keys in a CloudHSM key store are symmetric encryption keys (KeySpec {KeySpecInfo.SymmetricDefault}, KeyUsage ENCRYPT_DECRYPT), not {spec.Name} {usage}.");
        }
        if (request.MultiRegion == true) throw KmsException.Unsupported("Multi-Region keys cannot be created in a custom key store.");
    }

    /// <summary>The CloudHSM key store a new key goes into: it exists, is a CloudHSM key store, is CONNECTED, and its cluster can hold the key.</summary>
    public static CustomKeyStore StoreForNewKey(RegionalKms kms, string storeId)
    {
        var store = kms.KeyStores.FirstOrDefault(s => s.Id == storeId)
            ?? throw new KmsException(KmsErrorCodes.CustomKeyStoreNotFound, $"Custom key store '{storeId}' does not exist in this account and Region.");
        if (store.CloudHsm is null) throw KmsException.Unsupported($"Custom key store {store.Id} is an external key store: create its keys with Origin EXTERNAL_KEY_STORE and an XksKeyId.");
        if (!store.IsConnected)
        {
            throw new KmsException(KmsErrorCodes.CustomKeyStoreInvalidState, $"Custom key store {store.Id} is {store.ConnectionState}: connect it (ConnectCustomKeyStore) before you create keys in it.");
        }
        CheckCanBackAStore(store.CloudHsm.Cluster);
        return store;
    }

    /// <summary>Records a new KMS key in its store's cluster: KMS labels the cluster's key with the KMS key's ID.</summary>
    public static void KeyCreated(KmsKey key) => key.KeyStore!.CloudHsm!.Cluster.KeyLabels.Add(key.KeyId);

    /// <summary>At the end of a key's waiting period: KMS deletes its key from the cluster if the store is connected; otherwise the cluster keeps it, orphaned.</summary>
    public static void KeyDeleted(KmsKey key)
    {
        if (key.KeyStore is { CloudHsm: { } settings, IsConnected: true }) settings.Cluster.KeyLabels.Remove(key.KeyId);
    }

    /// <summary>A cryptographic operation on a key in a CloudHSM key store needs an active HSM in its cluster.</summary>
    public static void CheckServing(KmsKey key)
    {
        if (key.KeyStore?.CloudHsm is { Cluster: var cluster } && cluster.Hsms.Count == 0)
        {
            throw KmsException.InvalidState($"{key.Arn} cannot be used: CloudHSM cluster {cluster.Id} of custom key store {key.KeyStore.Id} has no active HSM. Add an HSM to the cluster.");
        }
    }

    /// <summary>GenerateRandom with a CustomKeyStoreId: random bytes from the store's cluster.</summary>
    public static CloudHsmCluster ClusterForRandom(RegionalKms kms, string storeId)
    {
        var store = kms.KeyStores.FirstOrDefault(s => s.Id == storeId)
            ?? throw new KmsException(KmsErrorCodes.CustomKeyStoreNotFound, $"Custom key store '{storeId}' does not exist in this account and Region.");
        if (store.CloudHsm is null) throw KmsException.Unsupported($"Custom key store {store.Id} is an external key store; GenerateRandom takes only the ID of a CloudHSM key store.");
        if (!store.IsConnected)
        {
            throw new KmsException(KmsErrorCodes.CustomKeyStoreInvalidState, $"GenerateRandom needs custom key store {store.Id} CONNECTED; it is {store.ConnectionState}.");
        }
        if (store.CloudHsm.Cluster.Hsms.Count == 0)
        {
            throw new KmsException(KmsErrorCodes.Internal, $"CloudHSM cluster {store.CloudHsm.ClusterId} of custom key store {store.Id} has no active HSM to generate random bytes.");
        }
        return store.CloudHsm.Cluster;
    }

    /// <summary>Active, with at least two active HSMs in different Availability Zones: what a store (and each new key) needs.</summary>
    private static void CheckCanBackAStore(CloudHsmCluster cluster)
    {
        if (!cluster.IsActive)
        {
            throw new KmsException(KmsErrorCodes.CloudHsmClusterNotActive, $"CloudHSM cluster {cluster.Id} is {cluster.State}: initialize and activate it first.");
        }
        if (cluster.LiveSubnetZones.Count() < 2)
        {
            throw new KmsException(KmsErrorCodes.CloudHsmClusterInvalidConfiguration,
                $"CloudHSM cluster {cluster.Id} must be configured with private subnets in at least two different Availability Zones; it has them in {string.Join(", ", cluster.LiveSubnetZones)}.");
        }
        if (!cluster.SecurityGroupAllowsKms)
        {
            throw new KmsException(KmsErrorCodes.CloudHsmClusterInvalidConfiguration,
                $"The security group of CloudHSM cluster {cluster.Id} (cloudhsm-{cluster.Id}-sg) must keep its inbound and outbound rules for TCP ports 2223-2225 within the group.");
        }
        if (!cluster.HasHsmsInTwoZones)
        {
            var zones = cluster.Hsms.Select(h => h.Zone).Distinct(StringComparer.Ordinal).ToList();
            throw new KmsException(KmsErrorCodes.CloudHsmClusterInvalidConfiguration,
                $"CloudHSM cluster {cluster.Id} needs at least two active HSMs in different Availability Zones; it has {cluster.Hsms.Count} HSM(s)" +
                (zones.Count > 0 ? $" in {string.Join(", ", zones)}." : "."));
        }
    }

    /// <summary>Two PEM (or bare base64) certificates are the same if they hold the same DER bytes.</summary>
    private static bool SameCertificate(string given, string expected) =>
        Der(given) is { } a && Der(expected) is { } b && a.AsSpan().SequenceEqual(b);

    private static byte[]? Der(string pem)
    {
        try
        {
            var fields = PemEncoding.Find(pem);
            return Convert.FromBase64String(pem[fields.Base64Data]);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static string NewPassword(RandomNumberGenerator random)
    {
        Span<byte> bytes = stackalloc byte[18];
        random.GetBytes(bytes);
        return Convert.ToBase64String(bytes);
    }
}
