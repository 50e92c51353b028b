using System.Text.Json.Serialization;
using KmsLab.Simulation.Model;

namespace KmsLab.Protocol;

/// <summary>
/// Source-generated (reflection-free, fast) JSON for every operation shape: the generator reaches
/// each one through <see cref="OperationShapes"/>, where the shapes files list them. Member names
/// are the service model's PascalCase names; absent members stay null and are not written.
/// </summary>
/// <remarks>
/// Timestamps name <see cref="EpochSecondsConverter"/> on each member rather than here: a converter
/// in these options would switch off the generated serialization code for every shape.
/// </remarks>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OperationShapes))]
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
