using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Services;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.KeyStores;

/// <summary>
/// CloudHSM key stores through the SDK client, over simulated clusters, as the SDK's doc text for
/// the custom key store operations, CreateKey and GenerateRandom, and the Developer Guide's
/// "Troubleshooting a custom key store" describe them.
/// </summary>
public sealed class CloudHsmKeyStoreTests
{
    private const string Password = "kmsuser-Passw0rd";

    private readonly FakeTimeProvider _time = new(TestLab.Start);
    private readonly Lab _lab;
    private readonly IAmazonKeyManagementService _kms;

    public CloudHsmKeyStoreTests()
    {
        _lab = Lab.Simulator(new LabOptions { TimeSource = _time });
        _kms = _lab.CreateKmsClient();
    }

    private static CreateCustomKeyStoreRequest Request(SimulatedCloudHsmCluster cluster, string name = "lab-hsm", string password = Password, string? trustAnchor = null) => new()
    {
        CustomKeyStoreName = name,
        CloudHsmClusterId = cluster.ClusterId,
        TrustAnchorCertificate = trustAnchor ?? cluster.TrustAnchorCertificate,
        KeyStorePassword = password,
    };

    private async Task<CustomKeyStoresListEntry> Describe(string id) =>
        (await _kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id })).CustomKeyStores.Single();

    private async Task<(SimulatedCloudHsmCluster Cluster, string StoreId)> ConnectedStore()
    {
        var cluster = _lab.CreateCloudHsmCluster(Password);
        var id = (await _kms.CreateCustomKeyStoreAsync(Request(cluster))).CustomKeyStoreId;
        Assert.Equal(ConnectionStateType.CONNECTED, (await Connect(id)).ConnectionState);
        return (cluster, id);
    }

    /// <summary>ConnectCustomKeyStore, then the lab time a CloudHSM key store's connection takes; the store as it is then.</summary>
    private static async Task<CustomKeyStoresListEntry> Connect(string id, Lab lab, IAmazonKeyManagementService kms)
    {
        await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        lab.Clock.Advance(TimeSpan.FromMinutes(KmsFacts.CloudHsmConnectionMinutes));
        return (await kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id })).CustomKeyStores.Single();
    }

    private Task<CustomKeyStoresListEntry> Connect(string id) => Connect(id, _lab, _kms);

    private Task<CreateKeyResponse> CreateKeyIn(string storeId) =>
        _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = storeId, Description = "in the HSM" });

    private async Task<string> ConnectionError(string storeId)
    {
        var store = await Connect(storeId);
        Assert.Equal(ConnectionStateType.FAILED, store.ConnectionState);
        return store.ConnectionErrorCode.Value;
    }

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task A_store_is_created_over_an_active_cluster_and_described_without_its_password()
    {
        var cluster = _lab.CreateCloudHsmCluster(Password);
        Assert.Matches("^cluster-[a-z2-7]{11}$", cluster.ClusterId);
        Assert.Equal(2, cluster.Hsms.Select(h => h.AvailabilityZone).Distinct().Count());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", cluster.TrustAnchorCertificate, StringComparison.Ordinal);
        // CustomKeyStoreType is optional for CloudHSM key stores: AWS_CLOUDHSM is the default.
        var id = (await _kms.CreateCustomKeyStoreAsync(Request(cluster))).CustomKeyStoreId;

        var store = await Describe(id);
        Assert.Equal(CustomKeyStoreType.AWS_CLOUDHSM, store.CustomKeyStoreType);
        Assert.Equal(cluster.ClusterId, store.CloudHsmClusterId);
        Assert.Equal(cluster.TrustAnchorCertificate, store.TrustAnchorCertificate);
        Assert.Equal(ConnectionStateType.DISCONNECTED, store.ConnectionState);
        Assert.Null(store.XksProxyConfiguration);
        // As ct-create-keystore.html shows it: the name and the cluster, never the password (nor the trust anchor).
        var audit = System.Text.Json.Nodes.JsonNode.Parse(_lab.AuditTrail.Query(operation: "CreateCustomKeyStore").Single().ToJson())!;
        Assert.Equal(cluster.ClusterId, (string?)audit["requestParameters"]!["cloudHsmClusterId"]);
        Assert.Equal(id, (string?)audit["responseElements"]!["customKeyStoreId"]);
        Assert.DoesNotContain(Password, audit.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(audit["requestParameters"]!["trustAnchorCertificate"]);
    }

    [Fact]
    public async Task Creation_is_refused_with_KMSs_exception_for_each_thing_wrong_with_the_cluster_or_the_request()
    {
        var missing = _lab.CreateCloudHsmCluster(Password);
        var request = Request(missing);
        request.CloudHsmClusterId = "cluster-aaaaaaaaaaa";
        await Assert.ThrowsAsync<CloudHsmClusterNotFoundException>(() => _kms.CreateCustomKeyStoreAsync(request));

        var uninitialized = _lab.CreateCloudHsmCluster(Password, activated: false);
        await Assert.ThrowsAsync<CloudHsmClusterNotActiveException>(() => _kms.CreateCustomKeyStoreAsync(Request(uninitialized)));

        var oneHsm = _lab.CreateCloudHsmCluster(Password, hsmCount: 1);
        var e = await Assert.ThrowsAsync<CloudHsmClusterInvalidConfigurationException>(() => _kms.CreateCustomKeyStoreAsync(Request(oneHsm)));
        Assert.Contains("two active HSMs in different Availability Zones", e.Message, StringComparison.Ordinal);
        // Two HSMs, but in one Availability Zone, are no better.
        oneHsm.CreateHsm(oneHsm.Hsms.Single().AvailabilityZone);
        await Assert.ThrowsAsync<CloudHsmClusterInvalidConfigurationException>(() => _kms.CreateCustomKeyStoreAsync(Request(oneHsm)));

        var good = _lab.CreateCloudHsmCluster(Password);
        await Assert.ThrowsAsync<IncorrectTrustAnchorException>(() => _kms.CreateCustomKeyStoreAsync(Request(good, trustAnchor: missing.TrustAnchorCertificate)));
        await Assert.ThrowsAsync<IncorrectTrustAnchorException>(() => _kms.CreateCustomKeyStoreAsync(Request(good, trustAnchor: "not a certificate")));

        var shortPassword = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.CreateCustomKeyStoreAsync(Request(good, password: "abc123")));
        Assert.Equal("ValidationException", shortPassword.ErrorCode);
        Assert.DoesNotContain("abc123", shortPassword.Message, StringComparison.Ordinal);
        var noPassword = Request(good);
        noPassword.KeyStorePassword = null;
        Assert.Equal("ValidationException", (await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.CreateCustomKeyStoreAsync(noPassword))).ErrorCode);
        var withProxy = Request(good);
        withProxy.XksProxyUriPath = "/kms/xks/v1";
        Assert.Equal("ValidationException", (await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.CreateCustomKeyStoreAsync(withProxy))).ErrorCode);

        await _kms.CreateCustomKeyStoreAsync(Request(good));
        await Assert.ThrowsAsync<CloudHsmClusterInUseException>(() => _kms.CreateCustomKeyStoreAsync(Request(good, name: "second")));
        // A cluster restored from a backup of one in use shares its backup history: in use too.
        await Assert.ThrowsAsync<CloudHsmClusterInUseException>(() => _kms.CreateCustomKeyStoreAsync(Request(good.CreateClusterFromBackup(), name: "third")));
        await Assert.ThrowsAsync<CustomKeyStoreNameInUseException>(() => _kms.CreateCustomKeyStoreAsync(Request(_lab.CreateCloudHsmCluster(Password))));

        // The cluster's network configuration: subnets in two zones, the security group's rules.
        var narrow = _lab.CreateCloudHsmCluster(Password);
        var unused = narrow.AvailabilityZones.Except(narrow.Hsms.Select(h => h.AvailabilityZone)).Single();
        narrow.DeleteSubnet(unused);
        narrow.DeleteHsm(narrow.Hsms[1].HsmId);
        narrow.DeleteSubnet(narrow.AvailabilityZones.Except(narrow.Hsms.Select(h => h.AvailabilityZone)).Single());
        var subnets = await Assert.ThrowsAsync<CloudHsmClusterInvalidConfigurationException>(() => _kms.CreateCustomKeyStoreAsync(Request(narrow, name: "narrow")));
        Assert.Contains("private subnets in at least two different Availability Zones", subnets.Message, StringComparison.Ordinal);
        var closed = _lab.CreateCloudHsmCluster(Password);
        closed.RemoveSecurityGroupRules();
        var rules = await Assert.ThrowsAsync<CloudHsmClusterInvalidConfigurationException>(() => _kms.CreateCustomKeyStoreAsync(Request(closed, name: "closed")));
        Assert.Contains("2223-2225", rules.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_is_CONNECTING_for_the_time_it_takes_and_a_disconnect_meanwhile_cancels_it()
    {
        var cluster = _lab.CreateCloudHsmCluster(Password);
        var id = (await _kms.CreateCustomKeyStoreAsync(Request(cluster))).CustomKeyStoreId;
        await _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        Assert.Equal(ConnectionStateType.CONNECTING, (await Describe(id)).ConnectionState);
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => CreateKeyIn(id));
        _lab.Clock.Advance(TimeSpan.FromMinutes(KmsFacts.CloudHsmConnectionMinutes) - TimeSpan.FromSeconds(1));
        Assert.Equal(ConnectionStateType.CONNECTING, (await Describe(id)).ConnectionState);
        _lab.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ConnectionStateType.CONNECTED, (await Describe(id)).ConnectionState);

        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        await _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        _lab.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ConnectionStateType.DISCONNECTED, (await Describe(id)).ConnectionState);
    }

    [Fact]
    public async Task Connecting_logs_in_as_kmsuser_and_rotates_its_password()
    {
        var (cluster, id) = await ConnectedStore();
        Assert.Null((await Describe(id)).ConnectionErrorCode);
        // KMS changed kmsuser's password when it logged in: the old one no longer works.
        var e = Assert.Throws<InvalidOperationException>(() => cluster.LogInAsKmsUser(Password));
        Assert.Contains("Wrong password", e.Message, StringComparison.Ordinal);

        // Connecting a connected store is accepted and changes nothing; a disconnected store reconnects with the password KMS keeps.
        await _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        Assert.Equal(ConnectionStateType.DISCONNECTED, (await Describe(id)).ConnectionState);
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id }));
        Assert.Equal(ConnectionStateType.CONNECTED, (await Connect(id)).ConnectionState);
    }

    [Fact]
    public async Task Each_connection_failure_gives_its_ConnectionErrorCode_and_is_fixed_as_the_Developer_Guide_says()
    {
        var cluster = _lab.CreateCloudHsmCluster();
        var id = (await _kms.CreateCustomKeyStoreAsync(Request(cluster))).CustomKeyStoreId;
        async Task Disconnect() => await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });

        Assert.Equal("USER_NOT_FOUND", await ConnectionError(id));
        // A FAILED store must be disconnected before it connects again.
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => _kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id }));
        await Disconnect();

        cluster.CreateKmsUser("another-password");
        Assert.Equal("INVALID_CREDENTIALS", await ConnectionError(id));
        await Disconnect();

        cluster.ChangeKmsUserPassword(Password);
        cluster.LogInAsKmsUser(Password);
        Assert.Equal("USER_LOGGED_IN", await ConnectionError(id));
        await Disconnect();
        cluster.LogOutKmsUser();

        var hsms = cluster.Hsms;
        foreach (var hsm in hsms) cluster.DeleteHsm(hsm.HsmId);
        Assert.Equal("INSUFFICIENT_CLOUDHSM_HSMS", await ConnectionError(id));
        await Disconnect();
        // One active HSM is enough to connect (two are needed to create keys).
        cluster.CreateHsm();
        Assert.Equal(ConnectionStateType.CONNECTED, (await Connect(id)).ConnectionState);
        await Disconnect();

        // The network between KMS and the cluster: a full subnet, the security group's rules, a deleted subnet.
        var zone = cluster.Hsms.Single().AvailabilityZone;
        cluster.UseAllSubnetAddresses(zone);
        Assert.Equal("INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET", await ConnectionError(id));
        await Disconnect();
        cluster.UseAllSubnetAddresses(zone, full: false);
        cluster.RemoveSecurityGroupRules();
        Assert.Equal("NETWORK_ERRORS", await ConnectionError(id));
        await Disconnect();
        cluster.RemoveSecurityGroupRules(removed: false);
        var empty = cluster.AvailabilityZones.First(z => z != zone);
        cluster.DeleteSubnet(empty);
        Assert.Equal("SUBNET_NOT_FOUND", await ConnectionError(id));
        await Disconnect();

        cluster.DeleteHsm(cluster.Hsms.Single().HsmId);
        cluster.Delete();
        Assert.Equal("CLUSTER_NOT_FOUND", await ConnectionError(id));
    }

    [Fact]
    public async Task Five_failed_logins_lock_kmsuser_out_until_an_admin_changes_its_password_and_KMS_is_told()
    {
        var cluster = _lab.CreateCloudHsmCluster("the-real-password");
        var id = (await _kms.CreateCustomKeyStoreAsync(Request(cluster, password: "a-wrong-password"))).CustomKeyStoreId;
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Equal("INVALID_CREDENTIALS", await ConnectionError(id));
            await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        }
        Assert.True(cluster.KmsUserLockedOut);
        Assert.Equal("USER_LOCKED_OUT", await ConnectionError(id));
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });

        cluster.ChangeKmsUserPassword("a-new-password");
        Assert.Equal("INVALID_CREDENTIALS", await ConnectionError(id)); // KMS does not know it yet
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        cluster.ChangeKmsUserPassword("a-new-password");
        await _kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, KeyStorePassword = "a-new-password" });
        Assert.Equal(ConnectionStateType.CONNECTED, (await Connect(id)).ConnectionState);
    }

    [Fact]
    public async Task A_key_in_the_store_is_symmetric_lives_in_the_cluster_and_encrypts_and_decrypts()
    {
        var (cluster, id) = await ConnectedStore();
        var key = (await CreateKeyIn(id)).KeyMetadata;
        Assert.Equal(OriginType.AWS_CLOUDHSM, key.Origin);
        Assert.Equal(id, key.CustomKeyStoreId);
        Assert.Equal(cluster.ClusterId, key.CloudHsmClusterId);
        Assert.Equal(KeyState.Enabled, key.KeyState);
        Assert.Equal([key.KeyId], cluster.KeyLabels);

        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("held in my HSMs") })).CiphertextBlob;
        var plain = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob });
        Assert.Equal("held in my HSMs", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
        Assert.NotNull((await _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 })).CiphertextBlob);

        // What a key in a custom key store cannot be or do.
        var rsa = await Assert.ThrowsAsync<UnsupportedOperationException>(() => _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = id, KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.SIGN_VERIFY }));
        Assert.Contains("symmetric", rsa.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = id, MultiRegion = true }));
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId }));
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => _kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 }));
        Assert.Equal("ValidationException", (await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM }))).ErrorCode);
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = "cks-00000000000000000" }));
    }

    [Fact]
    public async Task Creating_a_key_needs_a_connected_store_and_two_HSMs_in_different_zones()
    {
        var (cluster, id) = await ConnectedStore();
        cluster.DeleteHsm(cluster.Hsms[0].HsmId);
        await Assert.ThrowsAsync<CloudHsmClusterInvalidConfigurationException>(() => CreateKeyIn(id));
        cluster.CreateHsm();
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => CreateKeyIn(id));
    }

    [Fact]
    public async Task A_disconnected_stores_keys_are_Unavailable_can_be_managed_and_come_back_in_the_state_they_were_given()
    {
        var (_, id) = await ConnectedStore();
        var key = (await CreateKeyIn(id)).KeyMetadata;
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("x") })).CiphertextBlob.ToArray();
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });

        var unavailable = (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
        Assert.Equal(KeyState.Unavailable, unavailable.KeyState);
        Assert.False(unavailable.Enabled);
        var e = await Assert.ThrowsAsync<KMSInvalidStateException>(() => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        Assert.Contains("Connect it", e.Message, StringComparison.Ordinal);
        Assert.Equal("KMSInvalidStateException", _lab.AuditTrail.Query(operation: "Decrypt").Last().ErrorCode);

        // "Enabling and disabling an unavailable KMS key does not change its key state. The enable or disable action takes effect only when the key becomes available."
        await _kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        await _kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag { TagKey = "team", TagValue = "vault" }] });
        Assert.Equal(KeyState.Unavailable, (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
        // Deletion can be scheduled and cancelled without reconnecting.
        await _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        Assert.Equal(KeyState.PendingDeletion, (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
        await _kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = key.KeyId });
        Assert.Equal(KeyState.Unavailable, (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);

        await Connect(id);
        Assert.Equal(KeyState.Disabled, (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
        await _kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key.KeyId });
        var plain = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        Assert.Equal("x", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
    }

    [Fact]
    public async Task A_connected_store_whose_cluster_lost_its_HSMs_stays_CONNECTED_but_its_keys_fail()
    {
        var (cluster, id) = await ConnectedStore();
        var key = (await CreateKeyIn(id)).KeyMetadata;
        foreach (var hsm in cluster.Hsms) cluster.DeleteHsm(hsm.HsmId);
        Assert.Equal(ConnectionStateType.CONNECTED, (await Describe(id)).ConnectionState);
        var e = await Assert.ThrowsAsync<KMSInvalidStateException>(() => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("x") }));
        Assert.Contains("no active HSM", e.Message, StringComparison.Ordinal);
        Assert.Equal(KeyState.Enabled, (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
        cluster.CreateHsm();
        await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("x") });
    }

    [Fact]
    public async Task Deleting_a_key_deletes_its_cluster_key_when_connected_and_leaves_it_orphaned_when_not()
    {
        var (cluster, id) = await ConnectedStore();
        var kept = (await CreateKeyIn(id)).KeyMetadata;
        var orphaned = (await CreateKeyIn(id)).KeyMetadata;
        await _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = kept.KeyId, PendingWindowInDays = 7 });
        _time.Advance(TimeSpan.FromDays(8));
        await _kms.ListKeysAsync(new ListKeysRequest());
        Assert.Equal([orphaned.KeyId], cluster.KeyLabels);

        await _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = orphaned.KeyId, PendingWindowInDays = 7 });
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        _time.Advance(TimeSpan.FromDays(8));
        await Assert.ThrowsAsync<NotFoundException>(() => _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = orphaned.KeyId }));
        Assert.Equal([orphaned.KeyId], cluster.KeyLabels); // orphaned key material, for the cluster's admin to delete

        await _kms.DeleteCustomKeyStoreAsync(new DeleteCustomKeyStoreRequest { CustomKeyStoreId = id });
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => Describe(id));
    }

    [Fact]
    public async Task A_store_with_keys_cannot_be_deleted()
    {
        var (_, id) = await ConnectedStore();
        await CreateKeyIn(id);
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        await Assert.ThrowsAsync<CustomKeyStoreHasCMKsException>(() => _kms.DeleteCustomKeyStoreAsync(new DeleteCustomKeyStoreRequest { CustomKeyStoreId = id }));
    }

    [Fact]
    public async Task GenerateRandom_with_a_CloudHSM_key_store_ID_comes_from_its_connected_cluster()
    {
        var (cluster, id) = await ConnectedStore();
        var random = await _kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32, CustomKeyStoreId = id });
        Assert.Equal(32, random.Plaintext.Length);
        Assert.Equal(id, (string?)System.Text.Json.Nodes.JsonNode.Parse(_lab.AuditTrail.Query(operation: "GenerateRandom").Last().ToJson())!["requestParameters"]!["customKeyStoreId"]);

        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => _kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32, CustomKeyStoreId = "cks-00000000000000000" }));
        foreach (var hsm in cluster.Hsms) cluster.DeleteHsm(hsm.HsmId);
        await Assert.ThrowsAsync<KMSInternalException>(() => _kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32, CustomKeyStoreId = id }));
        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => _kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32, CustomKeyStoreId = id }));
    }

    [Fact]
    public async Task Update_renames_while_connected_and_moves_to_a_related_cluster_only_while_disconnected()
    {
        var (cluster, id) = await ConnectedStore();
        await _kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, NewCustomKeyStoreName = "renamed" });
        Assert.Equal("renamed", (await Describe(id)).CustomKeyStoreName);
        var restored = cluster.CreateClusterFromBackup();
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => _kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, CloudHsmClusterId = restored.ClusterId }));
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => _kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, KeyStorePassword = "any-password" }));

        await _kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        var unrelated = _lab.CreateCloudHsmCluster(Password);
        await Assert.ThrowsAsync<CloudHsmClusterNotRelatedException>(() => _kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, CloudHsmClusterId = unrelated.ClusterId }));
        var proxy = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, XksProxyUriPath = "/kms/xks/v1" }));
        Assert.Equal("ValidationException", proxy.ErrorCode);

        await _kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, CloudHsmClusterId = restored.ClusterId });
        Assert.Equal(restored.ClusterId, (await Describe(id)).CloudHsmClusterId);
        // The backup holds kmsuser as KMS left it: KMS still logs in.
        Assert.Equal(ConnectionStateType.CONNECTED, (await Connect(id)).ConnectionState);
    }

    [Fact]
    public async Task The_operations_are_IAM_permissions_and_kms_KeyOrigin_can_require_the_HSM()
    {
        var (_, id) = await ConnectedStore();
        var userArn = _lab.CreateUser("hsm-only");
        _lab.PutIdentityPolicy("hsm-only", "keys-in-the-hsm-only", """
            { "Version": "2012-10-17", "Statement": [
              { "Effect": "Allow", "Action": ["kms:CreateKey", "kms:DescribeCustomKeyStores"], "Resource": "*", "Condition": { "StringEquals": { "kms:KeyOrigin": "AWS_CLOUDHSM" } } },
              { "Effect": "Allow", "Action": "kms:DescribeCustomKeyStores", "Resource": "*" } ] }
            """);
        var user = _lab.CreateKmsClient("hsm-only");
        Assert.NotNull(userArn);
        await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => user.CreateKeyAsync(new CreateKeyRequest()));
        var key = (await user.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = id, BypassPolicyLockoutSafetyCheck = true })).KeyMetadata;
        Assert.Equal(OriginType.AWS_CLOUDHSM, key.Origin);
        Assert.Single((await user.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest())).CustomKeyStores);
        await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => user.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id }));
    }

    [Fact]
    public async Task Clusters_stores_and_their_keys_are_kept_in_a_snapshot()
    {
        var (cluster, id) = await ConnectedStore();
        var key = (await CreateKeyIn(id)).KeyMetadata;
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("kept") })).CiphertextBlob.ToArray();

        var restored = Lab.Restore(_lab.Snapshot());
        var kms = restored.CreateKmsClient();
        var store = (await kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id })).CustomKeyStores.Single();
        Assert.Equal(cluster.ClusterId, store.CloudHsmClusterId);
        Assert.Equal(ConnectionStateType.CONNECTED, store.ConnectionState);
        Assert.Equal("kept", Encoding.UTF8.GetString((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext.ToArray()));
        // The rotated kmsuser password came along: disconnect and connect again.
        await kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        Assert.Equal(KeyState.Unavailable, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
        Assert.Equal(ConnectionStateType.CONNECTED, (await Connect(id, restored, kms)).ConnectionState);
    }

    [Fact]
    public async Task A_store_its_cluster_and_a_connection_under_way_survive_a_restart_of_kmslab_serve()
    {
        using var dir = new KmsLab.Tests.Lessons.TempDir();
        var path = Path.Combine(dir.Path, "state.db");
        string id, keyId, clusterId;
        byte[] blob;
        await using (var served = await KmsLab.Tests.Serve.ServedLab.StartAsync(path))
        {
            var kms = served.CreateClient();
            var cluster = served.Lab.CreateCloudHsmCluster(Password);
            clusterId = cluster.ClusterId;
            id = (await kms.CreateCustomKeyStoreAsync(Request(cluster))).CustomKeyStoreId;
            Assert.Equal(ConnectionStateType.CONNECTED, (await Connect(id, served.Lab, kms)).ConnectionState);
            keyId = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = id })).KeyMetadata.KeyId;
            blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = Bytes("after the restart") })).CiphertextBlob.ToArray();
            await kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id });
            await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id }); // the server stops while it connects
        }
        await using (var served = await KmsLab.Tests.Serve.ServedLab.StartAsync(path))
        {
            var kms = served.CreateClient();
            async Task<ConnectionStateType> State() => (await kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id })).CustomKeyStores.Single().ConnectionState;
            Assert.Equal(ConnectionStateType.CONNECTING, await State());
            served.Lab.Clock.Advance(TimeSpan.FromMinutes(KmsFacts.CloudHsmConnectionMinutes));
            Assert.Equal(ConnectionStateType.CONNECTED, await State());
            var plain = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
            Assert.Equal("after the restart", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
            Assert.Equal(clusterId, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata.CloudHsmClusterId);
        }
    }
}
