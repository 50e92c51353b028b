using KmsLab.Simulation.Model;

namespace KmsLab.Simulation;

/// <summary>
/// One method per operation, for callers that name the operation in code (the protocol adapter's
/// table, tests): each forwards to its service. New code dispatches through the catalogue
/// (<see cref="Invoke{TRequest, TResponse}"/>); once the adapter does too, this file can go.
/// </summary>
internal sealed partial class KmsEngine
{
    public KeyMetadataResponse CreateKey(CallContext ctx, CreateKeyRequest request) => Keys.CreateKey(ctx, request);
    public KeyMetadataResponse DescribeKey(CallContext ctx, DescribeKeyRequest request) => Keys.DescribeKey(ctx, request);
    public ListKeysResponse ListKeys(CallContext ctx, ListKeysRequest request) => Keys.ListKeys(ctx, request);
    public EmptyResponse UpdateKeyDescription(CallContext ctx, UpdateKeyDescriptionRequest request) => Keys.UpdateKeyDescription(ctx, request);
    public EmptyResponse EnableKey(CallContext ctx, KeyIdRequest request) => Keys.EnableKey(ctx, request);
    public EmptyResponse DisableKey(CallContext ctx, KeyIdRequest request) => Keys.DisableKey(ctx, request);
    public ScheduleKeyDeletionResponse ScheduleKeyDeletion(CallContext ctx, ScheduleKeyDeletionRequest request) => Keys.ScheduleKeyDeletion(ctx, request);
    public KeyIdResponse CancelKeyDeletion(CallContext ctx, KeyIdRequest request) => Keys.CancelKeyDeletion(ctx, request);

    public EmptyResponse CreateAlias(CallContext ctx, AliasRequest request) => Aliases.CreateAlias(ctx, request);
    public EmptyResponse UpdateAlias(CallContext ctx, AliasRequest request) => Aliases.UpdateAlias(ctx, request);
    public EmptyResponse DeleteAlias(CallContext ctx, AliasRequest request) => Aliases.DeleteAlias(ctx, request);
    public ListAliasesResponse ListAliases(CallContext ctx, ListAliasesRequest request) => Aliases.ListAliases(ctx, request);

    public EncryptResponse Encrypt(CallContext ctx, EncryptRequest request) => Crypto.Encrypt(ctx, request);
    public DecryptResponse Decrypt(CallContext ctx, DecryptRequest request) => Crypto.Decrypt(ctx, request);
    public ReEncryptResponse ReEncrypt(CallContext ctx, ReEncryptRequest request) => Crypto.ReEncrypt(ctx, request);
    public GenerateDataKeyResponse GenerateDataKey(CallContext ctx, GenerateDataKeyRequest request) => Crypto.GenerateDataKey(ctx, request);
    public GenerateDataKeyResponse GenerateDataKeyWithoutPlaintext(CallContext ctx, GenerateDataKeyRequest request) => Crypto.GenerateDataKeyWithoutPlaintext(ctx, request);
    public GenerateRandomResponse GenerateRandom(CallContext ctx, GenerateRandomRequest request) => Crypto.GenerateRandom(ctx, request);

    public SignResponse Sign(CallContext ctx, SignRequest request) => Asymmetric.Sign(ctx, request);
    public VerifyResponse Verify(CallContext ctx, VerifyRequest request) => Asymmetric.Verify(ctx, request);
    public GetPublicKeyResponse GetPublicKey(CallContext ctx, GetPublicKeyRequest request) => Asymmetric.GetPublicKey(ctx, request);
    public GenerateMacResponse GenerateMac(CallContext ctx, GenerateMacRequest request) => Asymmetric.GenerateMac(ctx, request);
    public VerifyMacResponse VerifyMac(CallContext ctx, VerifyMacRequest request) => Asymmetric.VerifyMac(ctx, request);
    public GenerateDataKeyPairResponse GenerateDataKeyPair(CallContext ctx, GenerateDataKeyPairRequest request) => Asymmetric.GenerateDataKeyPair(ctx, request);
    public GenerateDataKeyPairResponse GenerateDataKeyPairWithoutPlaintext(CallContext ctx, GenerateDataKeyPairRequest request) => Asymmetric.GenerateDataKeyPairWithoutPlaintext(ctx, request);

    public EmptyResponse EnableKeyRotation(CallContext ctx, EnableKeyRotationRequest request) => Rotation.EnableKeyRotation(ctx, request);
    public EmptyResponse DisableKeyRotation(CallContext ctx, KeyIdRequest request) => Rotation.DisableKeyRotation(ctx, request);
    public GetKeyRotationStatusResponse GetKeyRotationStatus(CallContext ctx, KeyIdRequest request) => Rotation.GetKeyRotationStatus(ctx, request);
    public KeyIdResponse RotateKeyOnDemand(CallContext ctx, KeyIdRequest request) => Rotation.RotateKeyOnDemand(ctx, request);
    public ListKeyRotationsResponse ListKeyRotations(CallContext ctx, ListKeyRotationsRequest request) => Rotation.ListKeyRotations(ctx, request);

    public EmptyResponse TagResource(CallContext ctx, TagResourceRequest request) => Policies.TagResource(ctx, request);
    public EmptyResponse UntagResource(CallContext ctx, UntagResourceRequest request) => Policies.UntagResource(ctx, request);
    public ListResourceTagsResponse ListResourceTags(CallContext ctx, PagedKeyRequest request) => Policies.ListResourceTags(ctx, request);
    public GetKeyPolicyResponse GetKeyPolicy(CallContext ctx, GetKeyPolicyRequest request) => Policies.GetKeyPolicy(ctx, request);
    public EmptyResponse PutKeyPolicy(CallContext ctx, PutKeyPolicyRequest request) => Policies.PutKeyPolicy(ctx, request);
    public ListKeyPoliciesResponse ListKeyPolicies(CallContext ctx, PagedKeyRequest request) => Policies.ListKeyPolicies(ctx, request);

    public CreateGrantResponse CreateGrant(CallContext ctx, CreateGrantRequest request) => Grants.CreateGrant(ctx, request);
    public ListGrantsResponse ListGrants(CallContext ctx, ListGrantsRequest request) => Grants.ListGrants(ctx, request);
    public ListGrantsResponse ListRetirableGrants(CallContext ctx, ListRetirableGrantsRequest request) => Grants.ListRetirableGrants(ctx, request);
    public EmptyResponse RetireGrant(CallContext ctx, RetireGrantRequest request) => Grants.RetireGrant(ctx, request);
    public EmptyResponse RevokeGrant(CallContext ctx, RevokeGrantRequest request) => Grants.RevokeGrant(ctx, request);

    public GetParametersForImportResponse GetParametersForImport(CallContext ctx, GetParametersForImportRequest request) => Import.GetParametersForImport(ctx, request);
    public ImportKeyMaterialResponse ImportKeyMaterial(CallContext ctx, ImportKeyMaterialRequest request) => Import.ImportKeyMaterial(ctx, request);
    public DeleteImportedKeyMaterialResponse DeleteImportedKeyMaterial(CallContext ctx, DeleteImportedKeyMaterialRequest request) => Import.DeleteImportedKeyMaterial(ctx, request);
}
