using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Services;
using KmsLab.Xks;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of <c>exam-bank/custom-key-stores.json</c>, made to happen on the simulator: a real XKS proxy in process, and a simulated CloudHSM cluster.</summary>
internal static class CustomKeyStoreDemonstrations
{
    private const string KmsUserPassword = "kmsuser-Passw0rd";

    [Proves("14.3")]
    internal static async Task<string> AnUnreachableProxyStopsDecryption(Lab lab)
    {
        // The proxy must be reachable from this demonstration's own lab: a lab of its own, with the proxy in process.
        _ = lab;
        var keys = new XksKeyManager();
        keys.CreateKey("demo-key");
        var proxy = new XksProxy(keys, XksCredential.Generate(RandomNumberGenerator.Create()), "/demo");
        var link = new XksProxyHandler(proxy);
        using var own = Lab.Simulator(new LabOptions { XksProxyHandler = link });
        var kms = own.CreateKmsClient();
        var store = (await kms.CreateCustomKeyStoreAsync(link.CreateKeyStoreRequest("demo"))).CustomKeyStoreId;
        await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = store });
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = store, XksKeyId = "demo-key" })).KeyMetadata.KeyId;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("held outside AWS") })).CiphertextBlob.ToArray();
        link.Stopped = true;
        await Demonstrate.FailsWithAsync("KMSInvalidStateException", () => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        link.Stopped = false;
        var back = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        Demonstrate.That(Demonstrate.Text(back.Plaintext) == "held outside AWS", "the same ciphertext decrypts once the proxy answers again");
        return "proxy stopped → Decrypt: KMSInvalidStateException; proxy back → the same ciphertext decrypts";
    }

    [Proves("cks.unavailable-key-state")]
    internal static async Task<string> DisconnectedKeysAreUnavailable(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var store = await ConnectedCloudHsmStoreAsync(lab, kms);
        async Task<string> Create() => (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = store })).KeyMetadata.KeyId;
        var enabled = await Create();
        var disabled = await Create();
        var doomed = await Create();
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = disabled });
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = doomed, PendingWindowInDays = KmsFacts.MaxPendingWindowInDays });
        await kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = store });
        async Task<string> State(string key) => (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.KeyState.Value;
        var states = (await State(enabled), await State(disabled), await State(doomed));
        Demonstrate.That(states == ("Unavailable", "Unavailable", "PendingDeletion"), $"disconnected: {states}");
        await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = store });
        lab.Clock.Advance(TimeSpan.FromMinutes(KmsFacts.CloudHsmConnectionMinutes));
        var back = (await State(enabled), await State(disabled));
        Demonstrate.That(back == ("Enabled", "Disabled"), $"reconnected: {back}");
        return $"disconnected: {states}; reconnected: {back}";
    }

    [Proves("cks.cloudhsm-two-zones")]
    internal static async Task<string> NewKeysNeedHsmsInTwoZones(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var (cluster, store) = await ConnectedCloudHsmStoreAndClusterAsync(lab, kms);
        var zone = cluster.Hsms[0].AvailabilityZone;
        cluster.DeleteHsm(cluster.Hsms[1].HsmId);
        CreateKeyRequest InStore() => new() { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = store };
        await Demonstrate.FailsWithAsync("CloudHsmClusterInvalidConfigurationException", () => kms.CreateKeyAsync(InStore()));
        cluster.CreateHsm(zone);
        await Demonstrate.FailsWithAsync("CloudHsmClusterInvalidConfigurationException", () => kms.CreateKeyAsync(InStore()));
        var other = cluster.AvailabilityZones.First(z => z != zone);
        cluster.CreateHsm(other);
        var key = (await kms.CreateKeyAsync(InStore())).KeyMetadata;
        Demonstrate.That(key.Origin == OriginType.AWS_CLOUDHSM, "with an HSM in a second zone the key is created");
        return $"HSMs in {zone} only → CloudHsmClusterInvalidConfigurationException (one or two of them); an HSM in {other} too → CreateKey succeeds";
    }

    [Proves("cks.rotation")]
    internal static async Task<string> KeysInCustomKeyStoresDoNotRotate(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var store = await ConnectedCloudHsmStoreAsync(lab, kms);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = store })).KeyMetadata.KeyId;
        await Demonstrate.FailsWithAsync("UnsupportedOperationException", () => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key }));
        await Demonstrate.FailsWithAsync("UnsupportedOperationException", () => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key }));
        return "EnableKeyRotation and RotateKeyOnDemand on a key in a CloudHSM key store: UnsupportedOperationException";
    }

    private static async Task<string> ConnectedCloudHsmStoreAsync(Lab lab, IAmazonKeyManagementService kms) => (await ConnectedCloudHsmStoreAndClusterAsync(lab, kms)).Store;

    private static async Task<(SimulatedCloudHsmCluster Cluster, string Store)> ConnectedCloudHsmStoreAndClusterAsync(Lab lab, IAmazonKeyManagementService kms)
    {
        var cluster = lab.CreateCloudHsmCluster(KmsUserPassword);
        var store = (await kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
        {
            CustomKeyStoreName = "demo-" + cluster.ClusterId,
            CloudHsmClusterId = cluster.ClusterId,
            TrustAnchorCertificate = cluster.TrustAnchorCertificate,
            KeyStorePassword = KmsUserPassword,
        })).CustomKeyStoreId;
        await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = store });
        lab.Clock.Advance(TimeSpan.FromMinutes(KmsFacts.CloudHsmConnectionMinutes));
        return (cluster, store);
    }
}
