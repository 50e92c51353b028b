using System.Text.Json.Serialization;

namespace KmsLab.Xks;

// The JSON bodies of the XKS Proxy API, member names exactly as its "Request/Response Payload
// Syntax" sections spell them. Binary members are standard Base64 strings, decoded by the proxy
// itself so that a bad one is a ValidationException naming the member. Unknown members are
// ignored: KMS may add requestMetadata fields (the specification's Appendix B).

/// <summary>The <c>requestMetadata</c> every request carries: who called KMS, which KMS operation and key.</summary>
internal sealed class XksRequestMetadata
{
    [JsonPropertyName("awsPrincipalArn")] public string? AwsPrincipalArn { get; set; }
    [JsonPropertyName("awsSourceVpc")] public string? AwsSourceVpc { get; set; }
    [JsonPropertyName("awsSourceVpce")] public string? AwsSourceVpce { get; set; }
    [JsonPropertyName("kmsKeyArn")] public string? KmsKeyArn { get; set; }
    [JsonPropertyName("kmsOperation")] public string? KmsOperation { get; set; }
    [JsonPropertyName("kmsRequestId")] public string? KmsRequestId { get; set; }
    [JsonPropertyName("kmsViaService")] public string? KmsViaService { get; set; }
}

/// <summary>The body of GetHealthStatus and GetKeyMetadata: the request metadata only.</summary>
internal sealed class XksMetadataOnlyRequest
{
    [JsonPropertyName("requestMetadata")] public XksRequestMetadata? RequestMetadata { get; set; }
}

internal sealed class XksEncryptRequest
{
    [JsonPropertyName("requestMetadata")] public XksRequestMetadata? RequestMetadata { get; set; }
    [JsonPropertyName("additionalAuthenticatedData")] public string? AdditionalAuthenticatedData { get; set; }
    [JsonPropertyName("plaintext")] public string? Plaintext { get; set; }
    [JsonPropertyName("encryptionAlgorithm")] public string? EncryptionAlgorithm { get; set; }
    [JsonPropertyName("ciphertextDataIntegrityValueAlgorithm")] public string? CiphertextDataIntegrityValueAlgorithm { get; set; }
}

internal sealed class XksEncryptResponse
{
    [JsonPropertyName("ciphertext")] public required string Ciphertext { get; init; }
    [JsonPropertyName("ciphertextMetadata")] public string? CiphertextMetadata { get; init; }
    [JsonPropertyName("initializationVector")] public required string InitializationVector { get; init; }
    [JsonPropertyName("authenticationTag")] public required string AuthenticationTag { get; init; }
    [JsonPropertyName("ciphertextDataIntegrityValue")] public string? CiphertextDataIntegrityValue { get; init; }
}

internal sealed class XksDecryptRequest
{
    [JsonPropertyName("requestMetadata")] public XksRequestMetadata? RequestMetadata { get; set; }
    [JsonPropertyName("ciphertext")] public string? Ciphertext { get; set; }
    [JsonPropertyName("ciphertextMetadata")] public string? CiphertextMetadata { get; set; }
    [JsonPropertyName("encryptionAlgorithm")] public string? EncryptionAlgorithm { get; set; }
    [JsonPropertyName("additionalAuthenticatedData")] public string? AdditionalAuthenticatedData { get; set; }
    [JsonPropertyName("authenticationTag")] public string? AuthenticationTag { get; set; }
    [JsonPropertyName("initializationVector")] public string? InitializationVector { get; set; }
}

internal sealed class XksDecryptResponse
{
    [JsonPropertyName("plaintext")] public required string Plaintext { get; init; }
}

internal sealed class XksKeyMetadataResponse
{
    [JsonPropertyName("keySpec")] public required string KeySpec { get; init; }
    [JsonPropertyName("keyUsage")] public required IReadOnlyList<string> KeyUsage { get; init; }
    [JsonPropertyName("keyStatus")] public required string KeyStatus { get; init; }
}

internal sealed class XksHealthResponse
{
    [JsonPropertyName("xksProxyFleetSize")] public required int XksProxyFleetSize { get; init; }
    [JsonPropertyName("xksProxyVendor")] public required string XksProxyVendor { get; init; }
    [JsonPropertyName("xksProxyModel")] public required string XksProxyModel { get; init; }
    [JsonPropertyName("ekmVendor")] public required string EkmVendor { get; init; }
    [JsonPropertyName("ekmFleetDetails")] public required IReadOnlyList<XksEkmDetails> EkmFleetDetails { get; init; }
}

internal sealed class XksEkmDetails
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("healthStatus")] public required string HealthStatus { get; init; }
}

/// <summary>Every error's body: <c>errorName</c> (required) and <c>errorMessage</c> (optional, printable ASCII, under 512 characters).</summary>
internal sealed class XksErrorBody
{
    [JsonPropertyName("errorName")] public required string ErrorName { get; init; }
    [JsonPropertyName("errorMessage")] public string? ErrorMessage { get; init; }
}

/// <summary>Source-generated JSON for the XKS Proxy API's bodies; absent members are not written.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(XksMetadataOnlyRequest))]
[JsonSerializable(typeof(XksEncryptRequest))]
[JsonSerializable(typeof(XksEncryptResponse))]
[JsonSerializable(typeof(XksDecryptRequest))]
[JsonSerializable(typeof(XksDecryptResponse))]
[JsonSerializable(typeof(XksKeyMetadataResponse))]
[JsonSerializable(typeof(XksHealthResponse))]
[JsonSerializable(typeof(XksErrorBody))]
internal sealed partial class XksJsonContext : JsonSerializerContext;
