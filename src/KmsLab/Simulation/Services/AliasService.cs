using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;

namespace KmsLab.Simulation.Services;

/// <summary>Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.</summary>
internal sealed class AliasService(RequestPipeline pipeline)
{
    private static readonly KmsOperation CreateAliasOperation = OperationCatalog.Get("CreateAlias");
    private static readonly KmsOperation UpdateAliasOperation = OperationCatalog.Get("UpdateAlias");
    private static readonly KmsOperation DeleteAliasOperation = OperationCatalog.Get("DeleteAlias");
    private static readonly KmsOperation ListAliasesOperation = OperationCatalog.Get("ListAliases");

    private const string AliasPrefix = "alias/";
    private const string ReservedAliasPrefix = "alias/aws/";

    private DateTimeOffset Now => pipeline.Now;

    public EmptyResponse CreateAlias(CallContext ctx, AliasRequest request)
    {
        ValidateAliasRequest(request, requireTarget: true);
        return pipeline.Run(CreateAliasOperation, ctx, new KeyedCall(request.TargetKeyId!), (Service: this, Name: request.AliasName!), CreateAliasSteps);
    }

    private static readonly KeyedSteps<(AliasService Service, string Name), EmptyResponse> CreateAliasSteps =
        new(static (s, kms, key) =>
        {
            kms.AddAlias(new KmsAlias(s.Name, KmsArn.ForAlias(kms.Region, kms.AccountId, s.Name), key, s.Service.Now));
            return EmptyResponse.Instance;
        })
        {
            // A reserved or taken name is refused before the target's state is looked at.
            BeforeState = static (s, kms, _) =>
            {
                if (s.Name.StartsWith(ReservedAliasPrefix, StringComparison.Ordinal))
                {
                    throw new KmsException(KmsErrorCodes.NotAuthorized, $"Cannot create alias with prefix '{ReservedAliasPrefix}': it is reserved for AWS managed keys.");
                }
                if (kms.FindAlias(s.Name) is not null) throw new KmsException(KmsErrorCodes.AlreadyExists, $"An alias with the name {KmsArn.ForAlias(kms.Region, kms.AccountId, s.Name)} already exists");
            },
            Check = static (_, kms, key) => CheckAliasCount(kms, key),
        };

    public EmptyResponse UpdateAlias(CallContext ctx, AliasRequest request)
    {
        ValidateAliasRequest(request, requireTarget: true);
        return pipeline.InWorld(ctx, (Service: this, Ctx: ctx, Request: request), static (s, kms) => s.Service.UpdateAlias(s.Ctx, kms, s.Request));
    }

    /// <summary>UpdateAlias's own path: two keys, the alias's current target and the new one, each authorized.</summary>
    private EmptyResponse UpdateAlias(CallContext ctx, RegionalKms kms, AliasRequest request)
    {
        var op = UpdateAliasOperation;
        var alias = kms.FindAlias(request.AliasName!) ?? throw AliasNotFound(kms, request.AliasName!);
        Authorizer.Authorize(ctx, op.Action, alias.Target);
        var key = pipeline.ResolveKey(ctx, kms, request.TargetKeyId!, op.AcceptsAlias);
        Authorizer.Authorize(ctx, op.Action, key);
        KeyChecks.State(key, op.KeyStates);
        if (key.Spec != alias.Target.Spec || key.KeyUsage != alias.Target.KeyUsage)
        {
            throw KmsException.Validation($"An alias can only move to a key of the same type: {alias.Name} points at a {alias.Target.Spec.Name} {alias.Target.KeyUsage} key, and {key.Arn} is a {key.Spec.Name} {key.KeyUsage} key.");
        }
        if (alias.Target != key) CheckAliasCount(kms, key);
        kms.Retarget(alias, key, Now);
        return EmptyResponse.Instance;
    }

    public EmptyResponse DeleteAlias(CallContext ctx, AliasRequest request)
    {
        ValidateAliasRequest(request, requireTarget: false);
        return pipeline.InWorld(ctx, (Ctx: ctx, Name: request.AliasName!), static (s, kms) => DeleteAlias(s.Ctx, kms, s.Name));
    }

    /// <summary>DeleteAlias's own path: the key is the alias's target, named by the alias.</summary>
    private static EmptyResponse DeleteAlias(CallContext ctx, RegionalKms kms, string name)
    {
        if (name.StartsWith(ReservedAliasPrefix, StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorCodes.NotAuthorized, $"Cannot delete alias with prefix '{ReservedAliasPrefix}': it is reserved for AWS managed keys.");
        }
        var alias = kms.FindAlias(name) ?? throw AliasNotFound(kms, name);
        Authorizer.Authorize(ctx, DeleteAliasOperation.Action, alias.Target);
        kms.RemoveAlias(name);
        return EmptyResponse.Instance;
    }

    public ListAliasesResponse ListAliases(CallContext ctx, ListAliasesRequest request)
    {
        RequestValidator.Start().Length(request.KeyId, "keyId", 1, 2048).ThrowIfInvalid();
        RequestRules.Paging(request.Limit, request.Marker, KmsLimits.MaxListLimit);
        return pipeline.RunWithoutKey(ListAliasesOperation, ctx, (Service: this, Ctx: ctx, Request: request), static (s, kms) => s.Service.ListAliases(s.Ctx, kms, s.Request));
    }

    /// <summary>ListAliases is authorized on <c>*</c>; the key that filters it is only looked up.</summary>
    private ListAliasesResponse ListAliases(CallContext ctx, RegionalKms kms, ListAliasesRequest request)
    {
        var key = request.KeyId is null ? null : pipeline.ResolveKey(ctx, kms, request.KeyId, ListAliasesOperation.AcceptsAlias);
        var aliases = kms.Aliases.Where(a => key is null || a.Target == key).Select(a => new AliasListEntry
        {
            AliasName = a.Name,
            AliasArn = a.Arn,
            TargetKeyId = a.Target.KeyId,
            CreationDate = a.CreationDate,
            LastUpdatedDate = a.LastUpdatedDate,
        }).ToList();
        if (key is null)
        {
            // The predefined aliases of AWS managed keys not created yet: AWS lists them without a
            // TargetKeyId (and without dates), among the others in name order.
            aliases.AddRange(AwsManagedKeys.PredefinedAliases.Where(name => kms.FindAlias(name) is null)
                .Select(name => new AliasListEntry { AliasName = name, AliasArn = KmsArn.ForAlias(kms.Region, kms.AccountId, name) }));
            aliases.Sort((a, b) => string.CompareOrdinal(a.AliasName, b.AliasName));
        }
        var page = Paging.Page(aliases, a => a.AliasName!, request.Limit ?? KmsLimits.DefaultListLimit, request.Marker);
        return new ListAliasesResponse
        {
            Aliases = [.. page.Items],
            NextMarker = page.NextMarker,
            Truncated = page.NextMarker is not null,
        };
    }

    private static void CheckAliasCount(RegionalKms kms, KmsKey key)
    {
        if (kms.AliasCount(key) >= KmsLimits.MaxAliasesPerKey)
        {
            throw new KmsException(KmsErrorCodes.LimitExceeded, $"{key.Arn} already has {KmsLimits.MaxAliasesPerKey} aliases, the most a key may have.");
        }
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
