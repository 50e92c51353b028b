using KmsLab.Simulation.Model;

namespace KmsLab.Simulation;

internal sealed partial class KmsEngine
{
    private const string AliasPrefix = "alias/";
    private const string ReservedAliasPrefix = "alias/aws/";

    public EmptyResponse CreateAlias(CallContext ctx, AliasRequest request)
    {
        ValidateAliasRequest(request, requireTarget: true);
        return Run(ctx, kms =>
        {
            var key = AuthorizedKey(ctx, kms, request.TargetKeyId!, "kms:CreateAlias", allowAlias: false);
            if (request.AliasName!.StartsWith(ReservedAliasPrefix, StringComparison.Ordinal))
            {
                throw new KmsException(KmsErrorCodes.NotAuthorized, $"Cannot create alias with prefix '{ReservedAliasPrefix}': it is reserved for AWS managed keys.");
            }
            var arn = KmsArn.ForAlias(kms.Region, kms.AccountId, request.AliasName);
            if (kms.FindAlias(request.AliasName) is not null) throw new KmsException(KmsErrorCodes.AlreadyExists, $"An alias with the name {arn} already exists");
            key.EnsureNotPendingDeletion();
            if (kms.AliasCount(key) >= KmsLimits.MaxAliasesPerKey)
            {
                throw new KmsException(KmsErrorCodes.LimitExceeded, $"{key.Arn} already has {KmsLimits.MaxAliasesPerKey} aliases, the most a key may have.");
            }
            kms.AddAlias(new KmsAlias(request.AliasName, arn, key, Now));
            return EmptyResponse.Instance;
        });
    }

    public EmptyResponse UpdateAlias(CallContext ctx, AliasRequest request)
    {
        ValidateAliasRequest(request, requireTarget: true);
        return Run(ctx, kms =>
        {
            var alias = kms.FindAlias(request.AliasName!) ?? throw AliasNotFound(kms, request.AliasName!);
            Authorize(ctx, "kms:UpdateAlias", alias.Target);
            var key = AuthorizedKey(ctx, kms, request.TargetKeyId!, "kms:UpdateAlias", allowAlias: false);
            key.EnsureNotPendingDeletion();
            if (key.Spec != alias.Target.Spec || key.KeyUsage != alias.Target.KeyUsage)
            {
                throw KmsException.Validation($"An alias can only move to a key of the same type: {alias.Name} points at a {alias.Target.Spec.Name} {alias.Target.KeyUsage} key, and {key.Arn} is a {key.Spec.Name} {key.KeyUsage} key.");
            }
            if (kms.AliasCount(key) >= KmsLimits.MaxAliasesPerKey && alias.Target != key)
            {
                throw new KmsException(KmsErrorCodes.LimitExceeded, $"{key.Arn} already has {KmsLimits.MaxAliasesPerKey} aliases, the most a key may have.");
            }
            alias.Target = key;
            alias.LastUpdatedDate = Now;
            return EmptyResponse.Instance;
        });
    }

    public EmptyResponse DeleteAlias(CallContext ctx, AliasRequest request)
    {
        ValidateAliasRequest(request, requireTarget: false);
        return Run(ctx, kms =>
        {
            if (request.AliasName!.StartsWith(ReservedAliasPrefix, StringComparison.Ordinal))
            {
                throw new KmsException(KmsErrorCodes.NotAuthorized, $"Cannot delete alias with prefix '{ReservedAliasPrefix}': it is reserved for AWS managed keys.");
            }
            var alias = kms.FindAlias(request.AliasName) ?? throw AliasNotFound(kms, request.AliasName);
            Authorize(ctx, "kms:DeleteAlias", alias.Target);
            kms.RemoveAlias(request.AliasName);
            return EmptyResponse.Instance;
        });
    }

    public ListAliasesResponse ListAliases(CallContext ctx, ListAliasesRequest request)
    {
        RequestValidator.Start().Length(request.KeyId, "keyId", 1, 2048).ThrowIfInvalid();
        ValidatePaging(request.Limit, request.Marker, KmsLimits.MaxListLimit);
        return Run(ctx, kms =>
        {
            Authorize(ctx, "kms:ListAliases", null);
            var key = request.KeyId is null ? null : ResolveKey(ctx, kms, request.KeyId, allowAlias: false);
            var aliases = kms.Aliases.Where(a => key is null || a.Target == key).ToList();
            var page = Paging.Page(aliases, a => a.Name, request.Limit ?? KmsLimits.DefaultListLimit, request.Marker);
            return new ListAliasesResponse
            {
                Aliases = page.Items.Select(a => new AliasListEntry
                {
                    AliasName = a.Name,
                    AliasArn = a.Arn,
                    TargetKeyId = a.Target.KeyId,
                    CreationDate = a.CreationDate,
                    LastUpdatedDate = a.LastUpdatedDate,
                }).ToList(),
                NextMarker = page.NextMarker,
                Truncated = page.NextMarker is not null,
            };
        });
    }

    private static void ValidateAliasRequest(AliasRequest request, bool requireTarget)
    {
        var v = RequestValidator.Start()
            .Required(request.AliasName, "aliasName")
            .Length(request.AliasName, "aliasName", 1, KmsLimits.MaxAliasNameLength)
            .Pattern(request.AliasName, "aliasName", "^[a-zA-Z0-9:/_-]+$", IsModelAliasName);
        if (requireTarget) v.Required(request.TargetKeyId, "targetKeyId").Length(request.TargetKeyId, "targetKeyId", 1, 2048);
        v.ThrowIfInvalid();
        var name = request.AliasName!;
        if (!name.StartsWith(AliasPrefix, StringComparison.Ordinal) || name.Length == AliasPrefix.Length || name.AsSpan(AliasPrefix.Length).Contains(':'))
        {
            throw KmsException.Validation("Alias must start with the prefix \"alias/\" followed by letters, digits, '/', '_' or '-'. Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
        }
    }

    private static bool IsModelAliasName(string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '/' or '_' or '-');

    private static KmsException AliasNotFound(RegionalKms kms, string aliasName) =>
        KmsException.NotFound($"Alias '{KmsArn.ForAlias(kms.Region, kms.AccountId, aliasName)}' is not found.");
}
