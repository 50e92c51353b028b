using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using KmsLab.Protocol;
using KmsLab.Simulation.Operations;

namespace KmsLab.Tests.Protocol;

/// <summary>
/// The operation catalogue held against the official SDK's own surface (AWSSDK.KeyManagementService):
/// every operation of <see cref="IAmazonKeyManagementService"/> is accounted for, and every member of
/// every simulated request is read by the simulator. A new SDK version that brings an operation or a
/// member the catalogue does not know fails here.
/// </summary>
public class OperationCatalogTests
{
    private static readonly Assembly Sdk = typeof(IAmazonKeyManagementService).Assembly;

    /// <summary>The SDK's operations: the interface's <c>XAsync(XRequest, CancellationToken)</c> methods.</summary>
    private static IReadOnlyList<string> SdkOperations { get; } = typeof(IAmazonKeyManagementService).GetMethods()
        .Where(m => m.Name.EndsWith("Async", StringComparison.Ordinal) && m.GetParameters() is [var p, ..] && p.ParameterType.Name == m.Name[..^5] + "Request")
        .Select(m => m.Name[..^5]).Distinct().Order(StringComparer.Ordinal).ToList();

    private static Type SdkRequest(string operation) => Sdk.GetType($"Amazon.KeyManagementService.Model.{operation}Request", throwOnError: true)!;

    /// <summary>A request type's own members (not those every AWS request inherits).</summary>
    private static IEnumerable<PropertyInfo> Members(Type sdkRequest) =>
        sdkRequest.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.DeclaringType == sdkRequest);

    public static TheoryData<string> SimulatedOperations => [.. OperationCatalog.Simulated.Select(o => o.Name)];

    public static TheoryData<string> AllOperations => [.. OperationCatalog.All.Select(o => o.Name)];

    [Fact]
    public void Every_operation_of_the_SDK_is_in_the_catalogue_and_nothing_else_is()
    {
        Assert.True(SdkOperations.Count >= 54, $"The SDK's interface should list at least 54 operations; found {SdkOperations.Count}.");
        var catalogued = OperationCatalog.All.Select(o => o.Name).ToList();
        Assert.Equal(catalogued.Count, catalogued.Distinct().Count());
        Assert.Empty(SdkOperations.Except(catalogued));
        Assert.Empty(catalogued.Except(SdkOperations));
    }

    [Fact]
    public void Removing_any_entry_is_caught()
    {
        // The check above, applied to the catalogue less each one of its entries in turn.
        foreach (var removed in OperationCatalog.All)
        {
            var rest = OperationCatalog.All.Where(o => o != removed).Select(o => o.Name);
            Assert.Equal([removed.Name], SdkOperations.Except(rest));
        }
    }

    [Theory]
    [MemberData(nameof(AllOperations))]
    public void An_operation_that_is_not_simulated_says_why(string name)
    {
        var operation = OperationCatalog.Find(name)!;
        Assert.Equal(operation.IsSimulated, operation.RequestType is not null);
        if (!operation.IsSimulated) Assert.False(string.IsNullOrWhiteSpace(operation.NotSimulatedReason));
    }

    [Theory]
    [MemberData(nameof(SimulatedOperations))]
    public void Every_member_of_the_SDK_request_is_read_by_the_simulator(string name)
    {
        var operation = OperationCatalog.Find(name)!;
        var ours = operation.RequestType!.GetProperties().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var theirs = Members(SdkRequest(name)).Select(p => p.Name).ToList();
        // A member missing from our shape would be dropped by the JSON parser without a word: silently ignored.
        var unread = theirs.Except(ours).ToList();
        var unknownRefused = operation.RefusedMembers.Keys.Except(theirs).ToList();
        var unknownSecrets = operation.RequestSecrets.Except(ours).ToList();
        Assert.Empty(unread);
        Assert.Empty(unknownRefused);
        Assert.Empty(unknownSecrets);
    }

    public static TheoryData<string, string> RefusedMembers
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var operation in OperationCatalog.Simulated)
            {
                foreach (var member in operation.RefusedMembers.Keys) data.Add(operation.Name, member);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RefusedMembers))]
    public async Task A_refused_member_is_refused_with_its_error_through_the_SDK(string name, string member)
    {
        var refused = OperationCatalog.Find(name)!.RefusedMembers[member];
        var request = Activator.CreateInstance(SdkRequest(name))!;
        var property = SdkRequest(name).GetProperty(member)!;
        property.SetValue(request, SomeValue(property.PropertyType));
        var kms = new TestLab().Kms;
        var call = (Task)kms.GetType().GetMethod(name + "Async", [request.GetType(), typeof(CancellationToken)])!.Invoke(kms, [request, CancellationToken.None])!;
        var e = await Assert.ThrowsAnyAsync<AmazonServiceException>(() => call);
        Assert.Equal(refused.ErrorCode, e.ErrorCode);
        Assert.Equal(refused.Message, e.Message);
    }

    /// <summary>A value that counts as set for a member of this SDK type.</summary>
    private static object SomeValue(Type type) =>
        type == typeof(string) ? "set-by-the-test"
        : type == typeof(bool?) || type == typeof(bool) ? true
        : type == typeof(List<string>) ? new List<string> { "IGNORE_CIPHERTEXT" }
        : type == typeof(Amazon.KeyManagementService.Model.RecipientInfo) ? new Amazon.KeyManagementService.Model.RecipientInfo { KeyEncryptionAlgorithm = "RSAES_OAEP_SHA_256", AttestationDocument = new MemoryStream([1, 2, 3]) }
        : throw new NotSupportedException($"No test value for {type.Name}: add one.");

    [Theory]
    [MemberData(nameof(AllOperations))]
    public void DryRun_is_declared_exactly_where_the_SDK_request_has_it(string name)
    {
        var operation = OperationCatalog.Find(name)!;
        Assert.Equal(Members(SdkRequest(name)).Any(p => p.Name == "DryRun"), operation.DryRun);
    }

    [Fact]
    public void Last_usage_is_tracked_for_exactly_the_SDK_s_tracking_operations()
    {
        var tracked = typeof(KeyLastUsageTrackingOperation).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(KeyLastUsageTrackingOperation)).Select(f => ((KeyLastUsageTrackingOperation)f.GetValue(null)!).Value);
        Assert.Equal(tracked.Order(), OperationCatalog.All.Where(o => o.TracksLastUsage).Select(o => o.Name).Order());
    }

    [Fact]
    public void Grant_operations_are_exactly_the_SDK_s()
    {
        var sdk = typeof(GrantOperation).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(GrantOperation)).Select(f => ((GrantOperation)f.GetValue(null)!).Value);
        Assert.Equal(sdk.Order(), OperationCatalog.GrantOperationNames.Order());
    }

    [Theory]
    [MemberData(nameof(SimulatedOperations))]
    public void Response_secrets_name_members_of_the_response(string name)
    {
        var operation = OperationCatalog.Find(name)!;
        var members = new HashSet<string>(StringComparer.Ordinal);
        void Collect(Type type)
        {
            foreach (var p in type.GetProperties())
            {
                if (!members.Add(p.Name)) continue;
                var inner = p.PropertyType.IsGenericType ? p.PropertyType.GetGenericArguments().Last() : p.PropertyType;
                if (inner.Namespace == operation.ResponseType!.Namespace) Collect(inner);
            }
        }
        Collect(operation.ResponseType!);
        var unknown = operation.ResponseSecrets.Except(members).ToList();
        Assert.Empty(unknown);
    }

    /// <summary>
    /// CloudTrail's <c>readOnly</c>, written out from CloudTrail's KMS records (not read from the
    /// catalogue): true for Describe/List/Get and for every cryptographic operation.
    /// </summary>
    private static readonly HashSet<string> CloudTrailReadOnly =
    [
        "DescribeKey", "ListKeys", "ListAliases", "ListGrants", "ListRetirableGrants", "ListKeyPolicies", "ListKeyRotations", "ListResourceTags",
        "GetKeyPolicy", "GetKeyRotationStatus", "GetParametersForImport", "GetPublicKey", "GetKeyLastUsage", "DescribeCustomKeyStores",
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateRandom", "Sign", "Verify", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
        "Encapsulate", "Decapsulate",
    ];

    [Theory]
    [MemberData(nameof(AllOperations))]
    public void The_catalogue_marks_read_only_as_CloudTrail_does(string name) =>
        Assert.Equal(CloudTrailReadOnly.Contains(name), OperationCatalog.Find(name)!.ReadOnly);

    [Theory]
    [MemberData(nameof(SimulatedOperations))]
    public async Task Every_simulated_operation_is_audited_with_CloudTrail_s_readOnly(string name)
    {
        var lab = new TestLab();
        var (status, _) = await SendAsync(lab, name, "{}");
        Assert.NotEqual(HttpStatusCode.InternalServerError, status);
        var recorded = Assert.Single(lab.Lab.AuditTrail.Query(operation: name));
        Assert.Equal(CloudTrailReadOnly.Contains(name), recorded.ReadOnly);
        Assert.Equal(CloudTrailReadOnly.Contains(name), recorded.ToJsonObject()["readOnly"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(AllOperations))]
    public async Task An_operation_that_is_not_simulated_answers_UnknownOperationException_with_the_reason(string name)
    {
        var operation = OperationCatalog.Find(name)!;
        if (operation.IsSimulated) return;
        var lab = new TestLab();
        var (status, body) = await SendAsync(lab, name, "{}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("UnknownOperationException", body.GetProperty("__type").GetString());
        Assert.Contains(operation.NotSimulatedReason!, body.GetProperty("message").GetString());
        Assert.False(KmsProtocolAdapter.MayChangeState("TrentService." + name));
    }

    [Theory]
    [MemberData(nameof(SimulatedOperations))]
    public void Persistence_saves_after_exactly_the_operations_that_change_state(string name) =>
        Assert.Equal(OperationCatalog.Find(name)!.ChangesState, KmsProtocolAdapter.MayChangeState("TrentService." + name));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(TestLab lab, string operation, string body)
    {
        using var client = new HttpClient(new KmsHttpMessageHandler(lab.Lab.Adapter));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/");
        var bytes = Encoding.UTF8.GetBytes(body);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "TrentService." + operation);
        TestSigner.Sign(request, bytes, lab.Lab.Admin.AccessKeyId, lab.Lab.Admin.SecretAccessKey);
        var response = await client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
