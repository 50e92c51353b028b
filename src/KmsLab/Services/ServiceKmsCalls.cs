using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using KmsLab.Protocol;
using KmsLab.Simulation.Identity;

namespace KmsLab.Services;

/// <summary>
/// The KMS requests a simulated AWS service makes for a lab principal (<c>kms:ViaService</c> =
/// <c>&lt;service&gt;.&lt;region&gt;.amazonaws.com</c>, <c>invokedBy</c> the service in the audit
/// trail), counted, with KMS's refusal handed back as <see cref="ServiceKmsRefusal"/> for the
/// service to word as it does.
/// </summary>
internal sealed class ServiceKmsCalls(Lab lab, string service)
{
    private int _requests;

    /// <summary>The Region the service (and the KMS it calls) is in: the lab's default.</summary>
    public string Region => lab.DefaultRegion.SystemName;

    /// <summary>The <c>kms:ViaService</c> value of the calls.</summary>
    public string ViaService => $"{service}.{Region}.amazonaws.com";

    /// <summary>KMS requests made so far (by this helper, and those <see cref="Count"/> was told of).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Counts a request made another way (a call of the service's own principal).</summary>
    public void Count() => Interlocked.Increment(ref _requests);

    /// <summary>The lab principal named <paramref name="principal"/> (a user name or ARN), the administrator if null.</summary>
    public LabPrincipal Caller(string? principal) =>
        principal is null ? lab.Admin : lab.World.Principals.Find(principal, lab.AccountId) ?? throw new ArgumentException($"No lab principal '{principal}'.", nameof(principal));

    /// <summary>Calls <paramref name="operation"/> as <paramref name="caller"/> through the service.</summary>
    /// <exception cref="ServiceKmsRefusal">KMS refused.</exception>
    public TResponse Call<TRequest, TResponse>(LabPrincipal caller, string operation, TRequest request, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo) =>
        JsonSerializer.Deserialize(Invoke(caller, operation, JsonSerializer.SerializeToUtf8Bytes(request, requestInfo)), responseInfo)!;

    /// <summary>Calls <paramref name="operation"/> as <paramref name="caller"/> through the service, and reads the answer as JSON (for shapes with timestamps, which the wire writes as epoch seconds).</summary>
    /// <exception cref="ServiceKmsRefusal">KMS refused.</exception>
    public JsonNode CallJson<TRequest>(LabPrincipal caller, string operation, TRequest request, JsonTypeInfo<TRequest> requestInfo) =>
        JsonNode.Parse(Invoke(caller, operation, JsonSerializer.SerializeToUtf8Bytes(request, requestInfo)))!;

    /// <summary>Calls <paramref name="operation"/> as <paramref name="caller"/>, a caller inside AWS of the service's own (not through the service).</summary>
    /// <exception cref="ServiceKmsRefusal">KMS refused.</exception>
    public TResponse CallInternally<TRequest, TResponse>(LabPrincipal caller, string operation, TRequest request, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo) =>
        JsonSerializer.Deserialize(Invoke(caller, operation, JsonSerializer.SerializeToUtf8Bytes(request, requestInfo), internally: true), responseInfo)!;

    private byte[] Invoke(LabPrincipal caller, string operation, byte[] body, bool internally = false)
    {
        Count();
        var response = internally ? lab.Adapter.InvokeAsInternalCaller(operation, caller, Region, body) : lab.Adapter.InvokeAsService(operation, caller, Region, ViaService, body);
        if (response.StatusCode == 200) return response.Body;
        var error = JsonSerializer.Deserialize(response.Body, KmsJsonContext.Default.ErrorBody)!;
        throw new ServiceKmsRefusal(operation, error.Type ?? "KMSInternalException", error.Message ?? "");
    }
}

/// <summary>KMS refused a simulated service's request: the operation, KMS's error code and message.</summary>
internal sealed class ServiceKmsRefusal(string operation, string errorCode, string message) : Exception($"{operation}: {errorCode}: {message}")
{
    public string Operation { get; } = operation;

    public string ErrorCode { get; } = errorCode;

    public string KmsMessage { get; } = message;
}
