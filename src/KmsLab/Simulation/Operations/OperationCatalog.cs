using System.Collections.Frozen;
using KmsLab.Simulation.Model;

namespace KmsLab.Simulation.Operations;

/// <summary>
/// Every operation of the KMS API (the SDK's <c>IAmazonKeyManagementService</c>), each declared
/// once with all its facts: whether it changes state, what CloudTrail records, its quota, which
/// grants allow it, the key usages and states it accepts, its secret members, DryRun, and its
/// handler. Operations the simulator does not carry out are listed with the reason. The wire
/// adapter, persistence, the audit trail, quotas and grants derive what they need from here; a
/// test holds this list against the SDK's own surface.
/// </summary>
internal static class OperationCatalog
{
    private const string EncryptDecrypt = "ENCRYPT_DECRYPT";
    private const string SignVerify = "SIGN_VERIFY";
    private const string GenerateVerifyMac = "GENERATE_VERIFY_MAC";
    private const string KeyAgreement = "KEY_AGREEMENT";

    private const string EncapsulateDecapsulate = "ENCAPSULATE_DECAPSULATE";

    private static readonly RefusedMember Recipient = new(KmsErrorCodes.Validation, "KmsLab cannot verify Nitro Enclaves attestation documents; omit Recipient.");

    /// <summary>The operations, in the order the KMS API reference lists them by feature.</summary>
    public static IReadOnlyList<KmsOperation> All { get; } =
    [
        // Keys
        new KmsOperation<CreateKeyRequest, KeyMetadataResponse>("CreateKey", (e, c, r) => e.Keys.CreateKey(c, r))
        {
            ChangesState = true, ReadOnly = false, Quota = QuotaClass.CreateKey,
        },
        new KmsOperation<DescribeKeyRequest, KeyMetadataResponse>("DescribeKey", (e, c, r) => e.Keys.DescribeKey(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.DescribeKey, GrantOperations = ["DescribeKey"],
            KeyStates = KeyStates.Any, AcceptsAlias = true, RequestSecrets = ["GrantTokens"],
        },
        new KmsOperation<ListKeysRequest, ListKeysResponse>("ListKeys", (e, c, r) => e.Keys.ListKeys(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.ListKeys,
        },
        new KmsOperation<UpdateKeyDescriptionRequest, EmptyResponse>("UpdateKeyDescription", (e, c, r) => e.Keys.UpdateKeyDescription(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.NotPendingDeletion,
        },
        new KmsOperation<KeyIdRequest, EmptyResponse>("EnableKey", (e, c, r) => e.Keys.EnableKey(c, r))
        {
            ChangesState = true, ReadOnly = false, Quota = QuotaClass.EnableDisableKey, KeyStates = KeyStates.EnabledOrDisabled,
        },
        new KmsOperation<KeyIdRequest, EmptyResponse>("DisableKey", (e, c, r) => e.Keys.DisableKey(c, r))
        {
            ChangesState = true, ReadOnly = false, Quota = QuotaClass.EnableDisableKey, KeyStates = KeyStates.EnabledOrDisabled,
        },
        new KmsOperation<ScheduleKeyDeletionRequest, ScheduleKeyDeletionResponse>("ScheduleKeyDeletion", (e, c, r) => e.Keys.ScheduleKeyDeletion(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.NotPendingDeletion,
        },
        new KmsOperation<GetKeyLastUsageRequest, GetKeyLastUsageResponse>("GetKeyLastUsage", (e, c, r) => e.Keys.GetKeyLastUsage(c, r))
        {
            ChangesState = false, ReadOnly = true, KeyStates = KeyStates.Any,
        },
        new KmsOperation<KeyIdRequest, KeyIdResponse>("CancelKeyDeletion", (e, c, r) => e.Keys.CancelKeyDeletion(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.ScheduledForDeletion,
        },

        // Aliases
        new KmsOperation<AliasRequest, EmptyResponse>("CreateAlias", (e, c, r) => e.Aliases.CreateAlias(c, r))
        {
            ChangesState = true, ReadOnly = false, Quota = QuotaClass.CreateAlias, KeyStates = KeyStates.NotPendingDeletion,
        },
        new KmsOperation<AliasRequest, EmptyResponse>("UpdateAlias", (e, c, r) => e.Aliases.UpdateAlias(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.NotPendingDeletion,
        },
        new KmsOperation<AliasRequest, EmptyResponse>("DeleteAlias", (e, c, r) => e.Aliases.DeleteAlias(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.Any,
        },
        new KmsOperation<ListAliasesRequest, ListAliasesResponse>("ListAliases", (e, c, r) => e.Aliases.ListAliases(c, r))
        {
            ChangesState = false, ReadOnly = true, KeyStates = KeyStates.Any,
        },

        // Symmetric cryptography
        new KmsOperation<EncryptRequest, EncryptResponse>("Encrypt", (e, c, r) => e.Crypto.Encrypt(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.SymmetricCryptographic, GrantOperations = ["Encrypt"],
            KeyUsages = [EncryptDecrypt], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["Plaintext", "GrantTokens"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },
        new KmsOperation<DecryptRequest, DecryptResponse>("Decrypt", (e, c, r) => e.Crypto.Decrypt(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.SymmetricCryptographic, GrantOperations = ["Decrypt"],
            KeyUsages = [EncryptDecrypt], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["CiphertextBlob", "GrantTokens", "Recipient"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
            RefusedMembers = new Dictionary<string, RefusedMember> { ["Recipient"] = Recipient },
        },
        new KmsOperation<ReEncryptRequest, ReEncryptResponse>("ReEncrypt", (e, c, r) => e.Crypto.ReEncrypt(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.SymmetricCryptographic, GrantOperations = ["ReEncryptFrom", "ReEncryptTo"],
            KeyUsages = [EncryptDecrypt], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["CiphertextBlob", "GrantTokens"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },
        new KmsOperation<GenerateDataKeyRequest, GenerateDataKeyResponse>("GenerateDataKey", (e, c, r) => e.Crypto.GenerateDataKey(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.SymmetricCryptographic, GrantOperations = ["GenerateDataKey"],
            KeyUsages = [EncryptDecrypt], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["GrantTokens", "Recipient"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
            RefusedMembers = new Dictionary<string, RefusedMember> { ["Recipient"] = Recipient },
        },
        new KmsOperation<GenerateDataKeyRequest, GenerateDataKeyResponse>("GenerateDataKeyWithoutPlaintext", (e, c, r) => e.Crypto.GenerateDataKeyWithoutPlaintext(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.SymmetricCryptographic, GrantOperations = ["GenerateDataKeyWithoutPlaintext"],
            KeyUsages = [EncryptDecrypt], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["GrantTokens", "Recipient"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },
        new KmsOperation<GenerateRandomRequest, GenerateRandomResponse>("GenerateRandom", (e, c, r) => e.Crypto.GenerateRandom(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.SymmetricCryptographic,
            RequestSecrets = ["Recipient"], AuditsResponse = false,
            RefusedMembers = new Dictionary<string, RefusedMember> { ["Recipient"] = Recipient },
        },

        // Asymmetric keys and HMAC
        new KmsOperation<SignRequest, SignResponse>("Sign", (e, c, r) => e.Asymmetric.Sign(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.Asymmetric, GrantOperations = ["Sign"],
            KeyUsages = [SignVerify], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["Message", "GrantTokens"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },
        new KmsOperation<VerifyRequest, VerifyResponse>("Verify", (e, c, r) => e.Asymmetric.Verify(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.Asymmetric, GrantOperations = ["Verify"],
            KeyUsages = [SignVerify], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["Message", "Signature", "GrantTokens"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },
        new KmsOperation<GetPublicKeyRequest, GetPublicKeyResponse>("GetPublicKey", (e, c, r) => e.Asymmetric.GetPublicKey(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.Asymmetric, GrantOperations = ["GetPublicKey"],
            KeyUsages = [EncryptDecrypt, SignVerify, KeyAgreement, EncapsulateDecapsulate], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["GrantTokens"], AuditsResponse = false,
        },
        new KmsOperation<GenerateMacRequest, GenerateMacResponse>("GenerateMac", (e, c, r) => e.Asymmetric.GenerateMac(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.SymmetricCryptographic, GrantOperations = ["GenerateMac"],
            KeyUsages = [GenerateVerifyMac], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["Message", "GrantTokens"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },
        new KmsOperation<VerifyMacRequest, VerifyMacResponse>("VerifyMac", (e, c, r) => e.Asymmetric.VerifyMac(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.SymmetricCryptographic, GrantOperations = ["VerifyMac"],
            KeyUsages = [GenerateVerifyMac], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["Message", "Mac", "GrantTokens"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },
        new KmsOperation<GenerateDataKeyPairRequest, GenerateDataKeyPairResponse>("GenerateDataKeyPair", (e, c, r) => e.Asymmetric.GenerateDataKeyPair(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.Asymmetric, GrantOperations = ["GenerateDataKeyPair"],
            KeyUsages = [EncryptDecrypt], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["GrantTokens", "Recipient"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
            RefusedMembers = new Dictionary<string, RefusedMember> { ["Recipient"] = Recipient },
        },
        new KmsOperation<GenerateDataKeyPairRequest, GenerateDataKeyPairResponse>("GenerateDataKeyPairWithoutPlaintext", (e, c, r) => e.Asymmetric.GenerateDataKeyPairWithoutPlaintext(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.Asymmetric, GrantOperations = ["GenerateDataKeyPairWithoutPlaintext"],
            KeyUsages = [EncryptDecrypt], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["GrantTokens", "Recipient"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },
        new KmsOperation<DeriveSharedSecretRequest, DeriveSharedSecretResponse>("DeriveSharedSecret", (e, c, r) => e.SharedSecrets.DeriveSharedSecret(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.Asymmetric, GrantOperations = ["DeriveSharedSecret"],
            KeyUsages = [KeyAgreement], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["GrantTokens", "Recipient"], ResponseSecrets = ["SharedSecret"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
            RefusedMembers = new Dictionary<string, RefusedMember> { ["Recipient"] = Recipient },
        },
        new KmsOperation<EncapsulateRequest, EncapsulateResponse>("Encapsulate", (e, c, r) => e.SharedSecrets.Encapsulate(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.Asymmetric, GrantOperations = ["Encapsulate"],
            KeyUsages = [EncapsulateDecapsulate], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["GrantTokens"], ResponseSecrets = ["SharedSecret"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },
        new KmsOperation<DecapsulateRequest, DecapsulateResponse>("Decapsulate", (e, c, r) => e.SharedSecrets.Decapsulate(c, r))
        {
            ChangesState = false, ReadOnly = true, Quota = QuotaClass.Asymmetric, GrantOperations = ["Decapsulate"],
            KeyUsages = [EncapsulateDecapsulate], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["SharedSecretCiphertextBlob", "GrantTokens"], ResponseSecrets = ["SharedSecret"], AuditsResponse = false, DryRun = true, TracksLastUsage = true,
        },

        // Rotation
        new KmsOperation<EnableKeyRotationRequest, EmptyResponse>("EnableKeyRotation", (e, c, r) => e.Rotation.EnableKeyRotation(c, r))
        {
            ChangesState = true, ReadOnly = false, Quota = QuotaClass.EnableKeyRotation, KeyStates = KeyStates.Usable,
        },
        new KmsOperation<KeyIdRequest, EmptyResponse>("DisableKeyRotation", (e, c, r) => e.Rotation.DisableKeyRotation(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.Usable,
        },
        new KmsOperation<KeyIdRequest, GetKeyRotationStatusResponse>("GetKeyRotationStatus", (e, c, r) => e.Rotation.GetKeyRotationStatus(c, r))
        {
            ChangesState = false, ReadOnly = true, KeyStates = KeyStates.Any,
        },
        new KmsOperation<KeyIdRequest, KeyIdResponse>("RotateKeyOnDemand", (e, c, r) => e.Rotation.RotateKeyOnDemand(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.Usable,
        },
        new KmsOperation<ListKeyRotationsRequest, ListKeyRotationsResponse>("ListKeyRotations", (e, c, r) => e.Rotation.ListKeyRotations(c, r))
        {
            ChangesState = false, ReadOnly = true, KeyStates = KeyStates.Any,
        },

        // Tags and key policies
        new KmsOperation<TagResourceRequest, EmptyResponse>("TagResource", (e, c, r) => e.Policies.TagResource(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.NotPendingDeletion,
        },
        new KmsOperation<UntagResourceRequest, EmptyResponse>("UntagResource", (e, c, r) => e.Policies.UntagResource(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.NotPendingDeletion,
        },
        new KmsOperation<PagedKeyRequest, ListResourceTagsResponse>("ListResourceTags", (e, c, r) => e.Policies.ListResourceTags(c, r))
        {
            ChangesState = false, ReadOnly = true, KeyStates = KeyStates.Any,
        },
        new KmsOperation<GetKeyPolicyRequest, GetKeyPolicyResponse>("GetKeyPolicy", (e, c, r) => e.Policies.GetKeyPolicy(c, r))
        {
            ChangesState = false, ReadOnly = true, KeyStates = KeyStates.Any,
        },
        new KmsOperation<PutKeyPolicyRequest, EmptyResponse>("PutKeyPolicy", (e, c, r) => e.Policies.PutKeyPolicy(c, r))
        {
            ChangesState = true, ReadOnly = false, Quota = QuotaClass.PutKeyPolicy, KeyStates = KeyStates.Any,
        },
        new KmsOperation<PagedKeyRequest, ListKeyPoliciesResponse>("ListKeyPolicies", (e, c, r) => e.Policies.ListKeyPolicies(c, r))
        {
            ChangesState = false, ReadOnly = true, KeyStates = KeyStates.Any,
        },

        // Grants
        new KmsOperation<CreateGrantRequest, CreateGrantResponse>("CreateGrant", (e, c, r) => e.Grants.CreateGrant(c, r))
        {
            ChangesState = true, ReadOnly = false, GrantOperations = ["CreateGrant"], KeyStates = KeyStates.Usable, AcceptsAlias = true,
            RequestSecrets = ["GrantTokens"], ResponseSecrets = ["GrantToken"], DryRun = true,
        },
        new KmsOperation<ListGrantsRequest, ListGrantsResponse>("ListGrants", (e, c, r) => e.Grants.ListGrants(c, r))
        {
            ChangesState = false, ReadOnly = true, KeyStates = KeyStates.Any, AcceptsAlias = true,
        },
        new KmsOperation<ListRetirableGrantsRequest, ListGrantsResponse>("ListRetirableGrants", (e, c, r) => e.Grants.ListRetirableGrants(c, r))
        {
            ChangesState = false, ReadOnly = true,
        },
        new KmsOperation<RetireGrantRequest, EmptyResponse>("RetireGrant", (e, c, r) => e.Grants.RetireGrant(c, r))
        {
            ChangesState = true, ReadOnly = false, GrantOperations = ["RetireGrant"], KeyStates = KeyStates.Any,
            RequestSecrets = ["GrantToken"], DryRun = true,
        },
        new KmsOperation<RevokeGrantRequest, EmptyResponse>("RevokeGrant", (e, c, r) => e.Grants.RevokeGrant(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.Any, AcceptsAlias = true, DryRun = true,
        },

        // Imported key material
        new KmsOperation<GetParametersForImportRequest, GetParametersForImportResponse>("GetParametersForImport", (e, c, r) => e.Import.GetParametersForImport(c, r))
        {
            // Read-only to CloudTrail, but the import token it issues is kept.
            ChangesState = true, ReadOnly = true, KeyStates = KeyStates.NotPendingDeletion,
            ResponseSecrets = ["ImportToken", "PublicKey"],
        },
        new KmsOperation<ImportKeyMaterialRequest, ImportKeyMaterialResponse>("ImportKeyMaterial", (e, c, r) => e.Import.ImportKeyMaterial(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.NotPendingDeletion,
            RequestSecrets = ["EncryptedKeyMaterial", "ImportToken"],
        },
        new KmsOperation<DeleteImportedKeyMaterialRequest, DeleteImportedKeyMaterialResponse>("DeleteImportedKeyMaterial", (e, c, r) => e.Import.DeleteImportedKeyMaterial(c, r))
        {
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.Any,
        },

        // Multi-Region keys
        new KmsOperation<ReplicateKeyRequest, ReplicateKeyResponse>("ReplicateKey", (e, c, r) => e.MultiRegion.ReplicateKey(c, r))
        {
            // On the primary key (not while Updating or pending deletion); key ID or key ARN only.
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.Enabled | KeyStates.PendingImport,
        },
        new KmsOperation<UpdatePrimaryRegionRequest, EmptyResponse>("UpdatePrimaryRegion", (e, c, r) => e.MultiRegion.UpdatePrimaryRegion(c, r))
        {
            // Both the primary and the replica must be Enabled when it starts.
            ChangesState = true, ReadOnly = false, KeyStates = KeyStates.Enabled,
        },

        // Custom key stores
        // Custom key stores (external key stores; IAM-only permissions: no key policy applies)
        new KmsOperation<CreateCustomKeyStoreRequest, CreateCustomKeyStoreResponse>("CreateCustomKeyStore", (e, c, r) => e.KeyStores.CreateCustomKeyStore(c, r))
        {
            // ct-create-keystore.html records a CloudHSM key store's name and cluster only: never the password, nor the trust anchor.
            ChangesState = true, ReadOnly = false, RequestSecrets = ["XksProxyAuthenticationCredential", "KeyStorePassword", "TrustAnchorCertificate"],
        },
        new KmsOperation<DescribeCustomKeyStoresRequest, DescribeCustomKeyStoresResponse>("DescribeCustomKeyStores", (e, c, r) => e.KeyStores.DescribeCustomKeyStores(c, r))
        {
            ChangesState = false, ReadOnly = true,
        },
        new KmsOperation<UpdateCustomKeyStoreRequest, EmptyResponse>("UpdateCustomKeyStore", (e, c, r) => e.KeyStores.UpdateCustomKeyStore(c, r))
        {
            ChangesState = true, ReadOnly = false, RequestSecrets = ["XksProxyAuthenticationCredential", "KeyStorePassword"],
        },
        new KmsOperation<CustomKeyStoreIdRequest, EmptyResponse>("ConnectCustomKeyStore", (e, c, r) => e.KeyStores.ConnectCustomKeyStore(c, r))
        {
            ChangesState = true, ReadOnly = false,
        },
        new KmsOperation<CustomKeyStoreIdRequest, EmptyResponse>("DisconnectCustomKeyStore", (e, c, r) => e.KeyStores.DisconnectCustomKeyStore(c, r))
        {
            ChangesState = true, ReadOnly = false,
        },
        new KmsOperation<CustomKeyStoreIdRequest, EmptyResponse>("DeleteCustomKeyStore", (e, c, r) => e.KeyStores.DeleteCustomKeyStore(c, r))
        {
            ChangesState = true, ReadOnly = false,
        },
    ];

    private static readonly FrozenDictionary<string, KmsOperation> ByName = All.ToFrozenDictionary(o => o.Name, StringComparer.Ordinal);

    /// <summary>The operation of this name, simulated or not; null if KMS has none.</summary>
    public static KmsOperation? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The operation of this name, which must be in the catalogue (a service's own operations).</summary>
    public static KmsOperation Get(string name) => Find(name) ?? throw new ArgumentException($"The catalogue has no operation '{name}'.", nameof(name));

    /// <summary>The operations the simulator carries out.</summary>
    public static IEnumerable<KmsOperation> Simulated => All.Where(o => o.IsSimulated);

    /// <summary>Every value CreateGrant's <c>Operations</c> accepts.</summary>
    public static IReadOnlyList<string> GrantOperationNames { get; } = All.SelectMany(o => o.GrantOperations).Distinct().ToList();

    /// <summary>
    /// The grant operations that make sense on a key of this usage: those of the operations that
    /// accept the usage, and those of the operations that accept a key of any usage (CreateGrant,
    /// RetireGrant, DescribeKey).
    /// </summary>
    public static IReadOnlySet<string> GrantOperationsFor(string keyUsage) => GrantOperationsByUsage.GetValueOrDefault(keyUsage) ?? FrozenSet<string>.Empty;

    private static readonly FrozenDictionary<string, FrozenSet<string>> GrantOperationsByUsage =
        new[] { EncryptDecrypt, SignVerify, GenerateVerifyMac, KeyAgreement, EncapsulateDecapsulate }.ToFrozenDictionary(
            usage => usage,
            usage => All.Where(o => o.KeyUsages is null || o.KeyUsages.Contains(usage)).SelectMany(o => o.GrantOperations).ToFrozenSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
}
