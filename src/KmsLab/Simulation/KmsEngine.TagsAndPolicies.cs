using KmsLab.Simulation.Model;

namespace KmsLab.Simulation;

internal sealed partial class KmsEngine
{
    private const string DefaultPolicyName = "default";

    public EmptyResponse TagResource(CallContext ctx, TagResourceRequest request)
    {
        var v = RequestValidator.Start().Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048).Required(request.Tags, "tags");
        TagRules.Validate(v, request.Tags);
        v.ThrowIfInvalid();
        return Run(ctx, kms =>
        {
            var key = AuthorizedKey(ctx, kms, request.KeyId!, "kms:TagResource", allowAlias: false);
            key.EnsureNotPendingDeletion();
            int added = request.Tags!.Select(t => t.TagKey!).Distinct(StringComparer.Ordinal).Count(k => !key.Tags.Exists(t => t.Key == k));
            if (key.Tags.Count + added > KmsLimits.MaxTagsPerKey)
            {
                throw new KmsException(KmsErrorCodes.Tag, $"A KMS key can have at most {KmsLimits.MaxTagsPerKey} tags; {key.Arn} has {key.Tags.Count} and the request adds {added}.");
            }
            foreach (var tag in request.Tags!) TagRules.Set(key, tag.TagKey!, tag.TagValue!);
            return EmptyResponse.Instance;
        });
    }

    public EmptyResponse UntagResource(CallContext ctx, UntagResourceRequest request)
    {
        var v = RequestValidator.Start().Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048).Required(request.TagKeys, "tagKeys");
        for (int i = 0; i < (request.TagKeys?.Count ?? 0); i++) v.Length(request.TagKeys![i], $"tagKeys.{i + 1}.member", 1, 128);
        v.ThrowIfInvalid();
        return Run(ctx, kms =>
        {
            var key = AuthorizedKey(ctx, kms, request.KeyId!, "kms:UntagResource", allowAlias: false);
            key.EnsureNotPendingDeletion();
            key.Tags.RemoveAll(t => request.TagKeys!.Contains(t.Key, StringComparer.Ordinal));
            return EmptyResponse.Instance;
        });
    }

    public ListResourceTagsResponse ListResourceTags(CallContext ctx, PagedKeyRequest request)
    {
        ValidateKeyId(request.KeyId);
        ValidatePaging(request.Limit, request.Marker, KmsLimits.DefaultTagListLimit);
        return Run(ctx, kms =>
        {
            var key = AuthorizedKey(ctx, kms, request.KeyId!, "kms:ListResourceTags", allowAlias: false);
            var page = Paging.Page(key.Tags, t => t.Key, request.Limit ?? KmsLimits.DefaultTagListLimit, request.Marker);
            return new ListResourceTagsResponse
            {
                Tags = page.Items.Select(t => new Tag { TagKey = t.Key, TagValue = t.Value }).ToList(),
                NextMarker = page.NextMarker,
                Truncated = page.NextMarker is not null,
            };
        });
    }

    public GetKeyPolicyResponse GetKeyPolicy(CallContext ctx, GetKeyPolicyRequest request)
    {
        ValidateKeyId(request.KeyId);
        ValidatePolicyName(request.PolicyName);
        return Run(ctx, kms =>
        {
            var key = AuthorizedKey(ctx, kms, request.KeyId!, "kms:GetKeyPolicy", allowAlias: false);
            return new GetKeyPolicyResponse { Policy = key.Policy, PolicyName = DefaultPolicyName };
        });
    }

    public EmptyResponse PutKeyPolicy(CallContext ctx, PutKeyPolicyRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.Policy, "policy").Length(request.Policy, "policy", 1, KmsLimits.MaxPolicyLength)
            .ThrowIfInvalid();
        ValidatePolicyName(request.PolicyName);
        return Run(ctx, kms =>
        {
            var key = AuthorizedKey(ctx, kms, request.KeyId!, "kms:PutKeyPolicy", allowAlias: false);
            var policy = PolicyDocument.ParseKeyPolicy(request.Policy!);
            CheckLockout(ctx, key, policy, request.BypassPolicyLockoutSafetyCheck);
            key.PolicyDocument = policy;
            return EmptyResponse.Instance;
        });
    }

    public ListKeyPoliciesResponse ListKeyPolicies(CallContext ctx, PagedKeyRequest request)
    {
        ValidateKeyId(request.KeyId);
        ValidatePaging(request.Limit, request.Marker, KmsLimits.MaxListLimit);
        return Run(ctx, kms =>
        {
            _ = AuthorizedKey(ctx, kms, request.KeyId!, "kms:ListKeyPolicies", allowAlias: false);
            var page = Paging.Page([DefaultPolicyName], n => n, request.Limit ?? KmsLimits.DefaultListLimit, request.Marker);
            return new ListKeyPoliciesResponse { PolicyNames = [.. page.Items], NextMarker = page.NextMarker, Truncated = page.NextMarker is not null };
        });
    }

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
