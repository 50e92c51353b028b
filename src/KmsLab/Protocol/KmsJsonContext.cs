using System.Text.Json.Serialization;
using KmsLab.Simulation.Model;

namespace KmsLab.Protocol;

/// <summary>
/// Source-generated (reflection-free, fast) JSON for every operation shape. Member names are the
/// service model's PascalCase names; absent members stay null and are not written.
/// </summary>
/// <remarks>
/// Timestamps name <see cref="EpochSecondsConverter"/> on each member rather than here: a converter
/// in these options would switch off the generated serialization code for every shape.
/// </remarks>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyIdRequest))]
[JsonSerializable(typeof(KeyIdResponse))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(KeyMetadataResponse))]
[JsonSerializable(typeof(DescribeKeyRequest))]
[JsonSerializable(typeof(ListKeysRequest))]
[JsonSerializable(typeof(ListKeysResponse))]
[JsonSerializable(typeof(UpdateKeyDescriptionRequest))]
[JsonSerializable(typeof(ScheduleKeyDeletionRequest))]
[JsonSerializable(typeof(ScheduleKeyDeletionResponse))]
[JsonSerializable(typeof(EncryptRequest))]
[JsonSerializable(typeof(EncryptResponse))]
[JsonSerializable(typeof(DecryptRequest))]
[JsonSerializable(typeof(DecryptResponse))]
[JsonSerializable(typeof(ReEncryptRequest))]
[JsonSerializable(typeof(ReEncryptResponse))]
[JsonSerializable(typeof(GenerateDataKeyRequest))]
[JsonSerializable(typeof(GenerateDataKeyResponse))]
[JsonSerializable(typeof(GenerateRandomRequest))]
[JsonSerializable(typeof(GenerateRandomResponse))]
[JsonSerializable(typeof(AliasRequest))]
[JsonSerializable(typeof(ListAliasesRequest))]
[JsonSerializable(typeof(ListAliasesResponse))]
[JsonSerializable(typeof(EnableKeyRotationRequest))]
[JsonSerializable(typeof(GetKeyRotationStatusResponse))]
[JsonSerializable(typeof(ListKeyRotationsRequest))]
[JsonSerializable(typeof(ListKeyRotationsResponse))]
[JsonSerializable(typeof(TagResourceRequest))]
[JsonSerializable(typeof(UntagResourceRequest))]
[JsonSerializable(typeof(PagedKeyRequest))]
[JsonSerializable(typeof(ListResourceTagsResponse))]
[JsonSerializable(typeof(GetKeyPolicyRequest))]
[JsonSerializable(typeof(GetKeyPolicyResponse))]
[JsonSerializable(typeof(PutKeyPolicyRequest))]
[JsonSerializable(typeof(ListKeyPoliciesResponse))]
[JsonSerializable(typeof(SignRequest))]
[JsonSerializable(typeof(SignResponse))]
[JsonSerializable(typeof(VerifyRequest))]
[JsonSerializable(typeof(VerifyResponse))]
[JsonSerializable(typeof(GetPublicKeyRequest))]
[JsonSerializable(typeof(GetPublicKeyResponse))]
[JsonSerializable(typeof(GenerateMacRequest))]
[JsonSerializable(typeof(GenerateMacResponse))]
[JsonSerializable(typeof(VerifyMacRequest))]
[JsonSerializable(typeof(VerifyMacResponse))]
[JsonSerializable(typeof(GenerateDataKeyPairRequest))]
[JsonSerializable(typeof(GenerateDataKeyPairResponse))]
[JsonSerializable(typeof(GetParametersForImportRequest))]
[JsonSerializable(typeof(GetParametersForImportResponse))]
[JsonSerializable(typeof(ImportKeyMaterialRequest))]
[JsonSerializable(typeof(ImportKeyMaterialResponse))]
[JsonSerializable(typeof(DeleteImportedKeyMaterialRequest))]
[JsonSerializable(typeof(DeleteImportedKeyMaterialResponse))]
[JsonSerializable(typeof(CreateGrantRequest))]
[JsonSerializable(typeof(CreateGrantResponse))]
[JsonSerializable(typeof(ListGrantsRequest))]
[JsonSerializable(typeof(ListRetirableGrantsRequest))]
[JsonSerializable(typeof(ListGrantsResponse))]
[JsonSerializable(typeof(RetireGrantRequest))]
[JsonSerializable(typeof(RevokeGrantRequest))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class KmsJsonContext : JsonSerializerContext;

/// <summary>The body of every error response: <c>{"__type":"NotFoundException","message":"..."}</c>.</summary>
internal sealed class ErrorBody
{
    [JsonPropertyName("__type")]
    public string? Type { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
