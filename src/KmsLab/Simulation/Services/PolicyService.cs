using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;
using KmsLab.Simulation.Policies;

namespace KmsLab.Simulation.Services;

/// <summary>What governs access to a key besides grants: its tags (conditions can test them) and its key policy.</summary>
internal sealed class PolicyService(RequestPipeline pipeline)
{
    private static readonly KmsOperation TagResourceOperation = OperationCatalog.Get("TagResource");
    private static readonly KmsOperation UntagResourceOperation = OperationCatalog.Get("UntagResource");
    private static readonly KmsOperation ListResourceTagsOperation = OperationCatalog.Get("ListResourceTags");
    private static readonly KmsOperation GetKeyPolicyOperation = OperationCatalog.Get("GetKeyPolicy");
    private static readonly KmsOperation PutKeyPolicyOperation = OperationCatalog.Get("PutKeyPolicy");
    private static readonly KmsOperation ListKeyPoliciesOperation = OperationCatalog.Get("ListKeyPolicies");

    private const string DefaultPolicyName = "default";

    public EmptyResponse TagResource(CallContext ctx, TagResourceRequest request)
    {
        var v = RequestValidator.Start().Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048).Required(request.Tags, "tags");
        TagRules.Validate(v, request.Tags);
        v.ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!) { Conditions = TagRules.RequestConditions(request.Tags) };
        return pipeline.Run(TagResourceOperation, ctx, call, request.Tags!, TagResourceSteps);
    }

    private static readonly KeyedSteps<List<Tag>, EmptyResponse> TagResourceSteps =
        new(static (tags, _, key) =>
        {
            foreach (var tag in tags) TagRules.Set(key, tag.TagKey!, tag.TagValue!);
            return EmptyResponse.Instance;
        })
        {
            Check = static (tags, _, key) =>
            {
                int added = tags.Select(t => t.TagKey!).Distinct(StringComparer.Ordinal).Count(k => !key.Tags.Exists(t => t.Key == k));
                if (key.Tags.Count + added > KmsLimits.MaxTagsPerKey)
                {
                    throw new KmsException(KmsErrorCodes.Tag, $"A KMS key can have at most {KmsLimits.MaxTagsPerKey} tags; {key.Arn} has {key.Tags.Count} and the request adds {added}.");
                }
            },
        };

    public EmptyResponse UntagResource(CallContext ctx, UntagResourceRequest request)
    {
        var v = RequestValidator.Start().Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048).Required(request.TagKeys, "tagKeys");
        for (int i = 0; i < (request.TagKeys?.Count ?? 0); i++) v.Length(request.TagKeys![i], $"tagKeys.{i + 1}.member", 1, 128);
        v.ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!)
        {
            Conditions = new Dictionary<string, IReadOnlyList<string>> { ["aws:TagKeys"] = request.TagKeys!.Distinct(StringComparer.Ordinal).ToList() },
        };
        return pipeline.Run(UntagResourceOperation, ctx, call, request.TagKeys!, UntagResourceSteps);
    }

    private static readonly KeyedSteps<List<string>, EmptyResponse> UntagResourceSteps = new(static (tagKeys, _, key) =>
    {
        key.Tags.RemoveAll(t => tagKeys.Contains(t.Key, StringComparer.Ordinal));
        return EmptyResponse.Instance;
    });

    public ListResourceTagsResponse ListResourceTags(CallContext ctx, PagedKeyRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        RequestRules.Paging(request.Limit, request.Marker, KmsLimits.DefaultTagListLimit);
        return pipeline.Run(ListResourceTagsOperation, ctx, new KeyedCall(request.KeyId!), request, ListResourceTagsSteps);
    }

    private static readonly KeyedSteps<PagedKeyRequest, ListResourceTagsResponse> ListResourceTagsSteps = new(static (request, _, key) =>
    {
        var page = Paging.Page(key.Tags, t => t.Key, request.Limit ?? KmsLimits.DefaultTagListLimit, request.Marker);
        return new ListResourceTagsResponse
        {
            Tags = page.Items.Select(t => new Tag { TagKey = t.Key, TagValue = t.Value }).ToList(),
            NextMarker = page.NextMarker,
            Truncated = page.NextMarker is not null,
        };
    });

    public GetKeyPolicyResponse GetKeyPolicy(CallContext ctx, GetKeyPolicyRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        ValidatePolicyName(request.PolicyName);
        return pipeline.Run(GetKeyPolicyOperation, ctx, new KeyedCall(request.KeyId!), 0, GetKeyPolicySteps);
    }

    private static readonly KeyedSteps<int, GetKeyPolicyResponse> GetKeyPolicySteps =
        new(static (_, _, key) => new GetKeyPolicyResponse { Policy = key.Policy, PolicyName = DefaultPolicyName });

    public EmptyResponse PutKeyPolicy(CallContext ctx, PutKeyPolicyRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.Policy, "policy").Length(request.Policy, "policy", 1, KmsLimits.MaxPolicyLength)
            .ThrowIfInvalid();
        ValidatePolicyName(request.PolicyName);
        return pipeline.Run(PutKeyPolicyOperation, ctx, new KeyedCall(request.KeyId!), (Ctx: ctx, Request: request), PutKeyPolicySteps);
    }

    private static readonly KeyedSteps<(CallContext Ctx, PutKeyPolicyRequest Request), EmptyResponse> PutKeyPolicySteps = new(static (s, _, key) =>
    {
        var policy = PolicyDocument.ParseKeyPolicy(s.Request.Policy!);
        Authorizer.CheckLockout(s.Ctx, key, policy, s.Request.BypassPolicyLockoutSafetyCheck);
        key.PolicyDocument = policy;
        return EmptyResponse.Instance;
    });

    public ListKeyPoliciesResponse ListKeyPolicies(CallContext ctx, PagedKeyRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        RequestRules.Paging(request.Limit, request.Marker, KmsLimits.MaxListLimit);
        return pipeline.Run(ListKeyPoliciesOperation, ctx, new KeyedCall(request.KeyId!), request, ListKeyPoliciesSteps);
    }

    private static readonly KeyedSteps<PagedKeyRequest, ListKeyPoliciesResponse> ListKeyPoliciesSteps = new(static (request, _, _) =>
    {
        var page = Paging.Page([DefaultPolicyName], n => n, request.Limit ?? KmsLimits.DefaultListLimit, request.Marker);
        return new ListKeyPoliciesResponse { PolicyNames = [.. page.Items], NextMarker = page.NextMarker, Truncated = page.NextMarker is not null };
    });

    private static void ValidatePolicyName(string? name)
    {
        RequestValidator.Start()
            .Length(name, "policyName", 1, 128)
            .Pattern(name, "policyName", "[\\w]+", n => n.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            .ThrowIfInvalid();
        // Each KMS key has exactly one key policy, and its name is "default".
        if (name is not null && name != DefaultPolicyName) throw KmsException.NotFound($"No such policy exists: '{name}'. A KMS key has one key policy, named 'default'.");
    }
}
