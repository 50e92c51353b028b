using System.Text.Json;
using System.Text.Json.Nodes;
using KmsLab.Simulation.Operations;

namespace KmsLab.Audit;

/// <summary>
/// One KMS call as CloudTrail records it: who, what, when, where, on which key, and how it ended.
/// Request parameters keep what CloudTrail keeps (key IDs, encryption context, key specs...) and
/// never plaintext, ciphertext, data keys or key material.
/// </summary>
public sealed class AuditEvent
{
    // Kept as the operation's JSON (secrets already stripped) and rendered CloudTrail-style on
    // demand: a lab records every call, and compact events keep that cheap.
    private readonly byte[]? _request;
    private readonly byte[]? _response;
    private readonly Guid _eventId;
    private readonly KmsOperation _operation;

    internal AuditEvent(KmsOperation operation, byte[]? request, byte[]? response, Guid eventId)
    {
        _operation = operation;
        _request = request;
        _response = response;
        _eventId = eventId;
    }

    /// <summary>When the call was made, on the simulated clock.</summary>
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>The operation, e.g. <c>Encrypt</c>.</summary>
    public string EventName => _operation.Name;

    /// <summary>The Region the call was made in.</summary>
    public required string AwsRegion { get; init; }

    /// <summary>The caller.</summary>
    public required AuditIdentity UserIdentity { get; init; }

    /// <summary>The caller's network address, or the service's name when a service called on its behalf.</summary>
    public required string SourceIpAddress { get; init; }

    /// <summary>The client's User-Agent header.</summary>
    public string? UserAgent { get; init; }

    /// <summary>The AWS error code when the call failed, e.g. <c>AccessDenied</c>-style <c>AccessDeniedException</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The error message when the call failed.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The ARNs of the KMS keys the call touched.</summary>
    public required IReadOnlyList<string> ResourceArns { get; init; }

    /// <summary>The request ID returned to the caller (<c>x-amzn-RequestId</c>).</summary>
    public required string RequestId { get; init; }

    /// <summary>This event's unique ID.</summary>
    public string EventId => _eventId.ToString("D");

    /// <summary>
    /// CloudTrail's <c>readOnly</c>: true for Describe, List and Get operations <em>and</em> for every
    /// cryptographic operation (Encrypt, Decrypt, GenerateDataKey, Sign...), false for operations that
    /// change a key (CreateKey, PutKeyPolicy...). Filtering on "Read-only = false" hides every use of a key.
    /// </summary>
    public bool ReadOnly => _operation.ReadOnly;

    /// <summary>The account whose KMS received the call.</summary>
    public required string RecipientAccountId { get; init; }

    /// <summary>
    /// CloudTrail's <c>additionalEventData.keyMaterialId</c>: the key material a cryptographic call used
    /// with a symmetric encryption key (the material it encrypted under, or the one that decrypted), or null.
    /// </summary>
    public string? KeyMaterialId { get; init; }

    /// <summary>
    /// ReEncrypt's <c>additionalEventData.sourceKeyMaterialId</c>: the material that decrypted the source
    /// ciphertext (<see cref="KeyMaterialId"/> is then the destination's, <c>destinationKeyMaterialId</c>).
    /// </summary>
    public string? SourceKeyMaterialId { get; init; }

    /// <summary>
    /// CloudTrail's <c>sharedEventID</c>: set when the call used a key of another account. CloudTrail then
    /// writes the event to both accounts (the caller's and the key owner's, see
    /// <see cref="RecipientAccountId"/>), each copy with its own <see cref="EventId"/> and this ID in common.
    /// </summary>
    public string? SharedEventId { get; init; }

    /// <summary>True if the call succeeded.</summary>
    public bool Succeeded => ErrorCode is null;

    /// <summary>CloudTrail's <c>requestParameters</c>: the request without its sensitive members, names in camelCase.</summary>
    public JsonObject? RequestParameters => AuditJson.Render(_request, _operation.RequestSecrets);

    /// <summary>CloudTrail's <c>responseElements</c>: null for cryptographic operations, as in CloudTrail.</summary>
    public JsonObject? ResponseElements => AuditJson.Render(_response, _operation.ResponseSecrets);

    /// <summary>The event as a CloudTrail record (one JSON object).</summary>
    /// <remarks>
    /// The fields and their order are those of the KMS Developer Guide's example records (one page per
    /// operation under "Logging AWS KMS API calls with AWS CloudTrail", e.g.
    /// https://docs.aws.amazon.com/kms/latest/developerguide/ct-encrypt.html, ct-decrypt.html,
    /// ct-generatedatakey.html, ct-createkey.html), event version 1.11. <c>tlsDetails</c> is left out:
    /// CloudTrail records it for calls that came over TLS, and the simulator's carriers (in process, and
    /// <c>kmslab serve</c> on loopback HTTP) have none.
    /// </remarks>
    public JsonObject ToJsonObject()
    {
        var identity = UserIdentity.Type == AuditIdentity.AwsServiceType
            ? new JsonObject { ["type"] = UserIdentity.Type }
            : new JsonObject
            {
                ["type"] = UserIdentity.Type,
                ["principalId"] = UserIdentity.PrincipalId,
                ["arn"] = UserIdentity.Arn,
                ["accountId"] = UserIdentity.AccountId,
                ["accessKeyId"] = UserIdentity.AccessKeyId,
            };
        if (UserIdentity.UserName is not null) identity["userName"] = UserIdentity.UserName;
        if (UserIdentity.InvokedBy is not null) identity["invokedBy"] = UserIdentity.InvokedBy;
        var record = new JsonObject
        {
            ["eventVersion"] = "1.11",
            ["userIdentity"] = identity,
            ["eventTime"] = EventTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["eventSource"] = "kms.amazonaws.com",
            ["eventName"] = EventName,
            ["awsRegion"] = AwsRegion,
            ["sourceIPAddress"] = SourceIpAddress,
            ["userAgent"] = UserAgent,
        };
        if (ErrorCode is not null)
        {
            record["errorCode"] = ErrorCode;
            record["errorMessage"] = ErrorMessage;
        }
        record["requestParameters"] = RequestParameters;
        record["responseElements"] = ResponseElements;
        if (EventName == "ReEncrypt" && (SourceKeyMaterialId ?? KeyMaterialId) is not null)
        {
            var data = new JsonObject();
            if (KeyMaterialId is not null) data["destinationKeyMaterialId"] = KeyMaterialId;
            if (SourceKeyMaterialId is not null) data["sourceKeyMaterialId"] = SourceKeyMaterialId;
            record["additionalEventData"] = data;
        }
        else if (KeyMaterialId is not null)
        {
            record["additionalEventData"] = new JsonObject { ["keyMaterialId"] = KeyMaterialId };
        }
        record["requestID"] = RequestId;
        record["eventID"] = EventId;
        record["readOnly"] = ReadOnly;
        var resources = new JsonArray();
        foreach (var arn in ResourceArns)
        {
            resources.Add(new JsonObject { ["accountId"] = arn.Split(':')[4], ["type"] = "AWS::KMS::Key", ["ARN"] = arn });
        }
        record["resources"] = resources;
        record["eventType"] = "AwsApiCall";
        record["managementEvent"] = true;
        record["recipientAccountId"] = RecipientAccountId;
        if (SharedEventId is not null) record["sharedEventID"] = SharedEventId;
        record["eventCategory"] = "Management";
        return record;
    }

    /// <summary>The event as one line of JSON.</summary>
    public string ToJson() => ToJsonObject().ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <inheritdoc />
    public override string ToString() => $"{EventTime:u} {UserIdentity.Arn} {EventName} {(Succeeded ? "ok" : ErrorCode)} {string.Join(",", ResourceArns)}";
}
