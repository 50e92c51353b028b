using System.Collections.Frozen;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;
using KmsLab.Simulation.Grants;

namespace KmsLab.Simulation.Services;

/// <summary>Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.</summary>
internal sealed class GrantService(RequestPipeline pipeline)
{
    private static readonly KmsOperation CreateGrantOperation = OperationCatalog.Get("CreateGrant");
    private static readonly KmsOperation ListGrantsOperation = OperationCatalog.Get("ListGrants");
    private static readonly KmsOperation ListRetirableGrantsOperation = OperationCatalog.Get("ListRetirableGrants");
    private static readonly KmsOperation RetireGrantOperation = OperationCatalog.Get("RetireGrant");
    private static readonly KmsOperation RevokeGrantOperation = OperationCatalog.Get("RevokeGrant");

    /// <summary>
    /// The grant operations that make sense for a key of each usage, from the catalogue: those of
    /// the operations that accept keys of that usage, and those of the operations that accept any key.
    /// </summary>
    private static readonly FrozenDictionary<string, FrozenSet<string>> GrantOperationsByUsage = KeySpecInfo.AllKeyUsages.ToFrozenDictionary(
        usage => usage,
        usage => OperationCatalog.All.Where(o => o.KeyUsages is null || o.KeyUsages.Contains(usage)).SelectMany(o => o.GrantOperations).ToFrozenSet(StringComparer.Ordinal),
        StringComparer.Ordinal);

    private KmsWorld World => pipeline.World;

    private DateTimeOffset Now => pipeline.Now;

    public CreateGrantResponse CreateGrant(CallContext ctx, CreateGrantRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Length(request.GranteePrincipal, "granteePrincipal", 1, 256)
            .Length(request.RetiringPrincipal, "retiringPrincipal", 1, 256)
            .Required(request.GranteeServicePrincipal is null ? request.GranteePrincipal : "", "granteePrincipal")
            .Length(request.GranteeServicePrincipal, "granteeServicePrincipal", 1, 256)
            .Length(request.RetiringServicePrincipal, "retiringServicePrincipal", 1, 256)
            .Length(request.Constraints?.SourceArn, "constraints.sourceArn", 20, 2048)
            .Required(request.Operations, "operations")
            .Length(request.Name, "name", 1, 256)
            .Pattern(request.Name, "name", "^[a-zA-Z0-9:/_-]+$", n => n.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '/' or '_' or '-'));
        for (int i = 0; i < (request.Operations?.Count ?? 0); i++) v.Enum(request.Operations![i], $"operations.{i + 1}.member", KmsGrant.AllOperations);
        v.GrantTokens(request.GrantTokens).ThrowIfInvalid();
        if (request.Operations!.Count == 0) throw KmsException.Validation("1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1");
        ValidateServicePrincipals(request);
        if (request.GranteePrincipal is not null && !IsEc2InfrastructureGrantee(ctx, request.GranteePrincipal)) ValidatePrincipal(request.GranteePrincipal, "GranteePrincipal");
        if (request.RetiringPrincipal is not null) ValidatePrincipal(request.RetiringPrincipal, "RetiringPrincipal");
        var constraints = request.Constraints;
        if (constraints?.EncryptionContextEquals is not null && constraints.EncryptionContextSubset is not null)
        {
            throw KmsException.Validation("A grant constraint can include EncryptionContextEquals or EncryptionContextSubset, not both.");
        }
        var call = new KeyedCall(request.KeyId!) {
            GrantTokens = request.GrantTokens, DryRun = request.DryRun, Conditions = Conditions(request),
            ChildGrant = new ChildGrant(request.Operations!, constraints?.EncryptionContextEquals, constraints?.EncryptionContextSubset),
        };
        return pipeline.Run(CreateGrantOperation, ctx, call, (Service: this, Request: request), CreateGrantSteps);
    }

    /// <summary>
    /// CreateGrant's own condition keys (Developer Guide, AWS KMS condition keys): kms:GrantOperations
    /// (multi-valued, for ForAllValues/ForAnyValue), kms:GranteePrincipal, kms:RetiringPrincipal,
    /// kms:GrantConstraintType (EncryptionContextEquals or EncryptionContextSubset), and the grant
    /// authorization page's kms:GranteeServicePrincipal and kms:GrantConstraintSourceArn. A key whose
    /// request member is absent is absent from the request, as IAM evaluates it.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> Conditions(CreateGrantRequest request)
    {
        var conditions = new Dictionary<string, IReadOnlyList<string>> { ["kms:GrantOperations"] = [.. request.Operations!] };
        if (request.GranteePrincipal is { } grantee) conditions["kms:GranteePrincipal"] = [grantee];
        if (request.RetiringPrincipal is { } retiring) conditions["kms:RetiringPrincipal"] = [retiring];
        if (request.GranteeServicePrincipal is { } service) conditions["kms:GranteeServicePrincipal"] = [service];
        if (request.Constraints?.SourceArn is { } sourceArn) conditions["kms:GrantConstraintSourceArn"] = [sourceArn];
        if (request.Constraints?.EncryptionContextEquals is not null) conditions["kms:GrantConstraintType"] = ["EncryptionContextEquals"];
        else if (request.Constraints?.EncryptionContextSubset is not null) conditions["kms:GrantConstraintType"] = ["EncryptionContextSubset"];
        return conditions;
    }

    private static readonly KeyedSteps<(GrantService Service, CreateGrantRequest Request), CreateGrantResponse> CreateGrantSteps =
        new(static (s, _, key) => s.Service.CreateGrant(key, s.Request))
        {
            Check = static (s, _, key) =>
            {
                var allowed = GrantOperationsByUsage[key.KeyUsage];
                if (s.Request.Operations!.FirstOrDefault(o => !allowed.Contains(o)) is { } invalid)
                {
                    throw KmsException.Validation($"Grant operation {invalid} is not valid for {key.Arn}, a {key.Spec.Name} key with key usage {key.KeyUsage}.");
                }
                if ((s.Request.Constraints?.EncryptionContextEquals ?? s.Request.Constraints?.EncryptionContextSubset) is not null && !key.Spec.IsSymmetric)
                {
                    throw KmsException.Validation("Encryption context grant constraints are supported only for symmetric encryption keys.");
                }
            },
        };

    private CreateGrantResponse CreateGrant(KmsKey key, CreateGrantRequest request)
    {
        var operations = request.Operations!.Distinct().ToList();
        if (request.Name is not null && key.Grants.FirstOrDefault(g => g.Name == request.Name && SameGrant(g, request, operations)) is { } existing)
        {
            // Same name and parameters: the same grant (a retry); each call still gets its own token.
            return new CreateGrantResponse { GrantId = existing.GrantId, GrantToken = World.Grants.IssueToken(existing, World.Random) };
        }
        if (key.Grants.Count >= KmsLimits.MaxGrantsPerKey) throw new KmsException(KmsErrorCodes.LimitExceeded, $"{key.Arn} already has {KmsLimits.MaxGrantsPerKey} grants.");
        var constraints = request.Constraints;
        var grant = new KmsGrant
        {
            GrantId = World.Grants.NewGrantId(World.Random),
            Key = key,
            Name = request.Name,
            CreationDate = Now,
            GranteePrincipal = request.GranteePrincipal,
            RetiringPrincipal = request.RetiringPrincipal,
            GranteeServicePrincipal = request.GranteeServicePrincipal,
            RetiringServicePrincipal = request.RetiringServicePrincipal,
            SourceArn = constraints?.SourceArn,
            IssuingAccount = KmsArn.AccountRoot(key.AccountId),
            Operations = operations,
            EncryptionContextEquals = constraints?.EncryptionContextEquals,
            EncryptionContextSubset = constraints?.EncryptionContextSubset,
        };
        key.Grants.Add(grant);
        return new CreateGrantResponse { GrantId = grant.GrantId, GrantToken = World.Grants.IssueToken(grant, World.Random) };
    }

    public ListGrantsResponse ListGrants(CallContext ctx, ListGrantsRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Length(request.GrantId, "grantId", 1, 128)
            .Length(request.GranteePrincipal, "granteePrincipal", 1, 256)
            .Length(request.GranteeServicePrincipal, "granteeServicePrincipal", 1, 256)
            .ThrowIfInvalid();
        RequestRules.Paging(request.Limit, request.Marker, 100);
        if (request.GranteePrincipal is not null && request.GranteeServicePrincipal is not null)
        {
            throw KmsException.Validation("You can specify either GranteePrincipal or GranteeServicePrincipal, but not both.");
        }
        if (request.GranteeServicePrincipal is not null && ctx.Caller.Kind != Identity.PrincipalKind.Service) throw OnlyForServicePrincipals("GranteeServicePrincipal");
        return pipeline.Run(ListGrantsOperation, ctx, new KeyedCall(request.KeyId!), request, ListGrantsSteps);
    }

    private static readonly KeyedSteps<ListGrantsRequest, ListGrantsResponse> ListGrantsSteps = new(static (request, _, key) =>
    {
        var grants = key.Grants
            .Where(g => request.GrantId is null || g.GrantId == request.GrantId)
            .Where(g => request.GranteePrincipal is null || g.GranteePrincipal == request.GranteePrincipal)
            .Where(g => request.GranteeServicePrincipal is null || g.GranteeServicePrincipal == request.GranteeServicePrincipal)
            .ToList();
        var page = Paging.Page(grants, g => g.GrantId, request.Limit ?? 50, request.Marker);
        return new ListGrantsResponse { Grants = page.Items.Select(GrantEntry).ToList(), NextMarker = page.NextMarker, Truncated = page.NextMarker is not null };
    });

    public ListGrantsResponse ListRetirableGrants(CallContext ctx, ListRetirableGrantsRequest request)
    {
        RequestValidator.Start()
            .Length(request.RetiringPrincipal, "retiringPrincipal", 1, 256)
            .Length(request.RetiringServicePrincipal, "retiringServicePrincipal", 1, 256)
            .ThrowIfInvalid();
        if ((request.RetiringPrincipal is null) == (request.RetiringServicePrincipal is null))
        {
            throw KmsException.Validation("You must specify either RetiringPrincipal or RetiringServicePrincipal, but not both.");
        }
        if (request.RetiringServicePrincipal is not null && ctx.Caller.Kind != Identity.PrincipalKind.Service) throw OnlyForServicePrincipals("RetiringServicePrincipal");
        RequestRules.Paging(request.Limit, request.Marker, 100);
        return pipeline.RunWithoutKey(ListRetirableGrantsOperation, ctx, request, static (request, kms) =>
        {
            var grants = kms.Keys.SelectMany(k => k.Grants)
                .Where(g => request.RetiringServicePrincipal is null ? g.RetiringPrincipal == request.RetiringPrincipal : g.RetiringServicePrincipal == request.RetiringServicePrincipal)
                .ToList();
            var page = Paging.Page(grants, g => g.GrantId, request.Limit ?? 50, request.Marker);
            return new ListGrantsResponse { Grants = page.Items.Select(GrantEntry).ToList(), NextMarker = page.NextMarker, Truncated = page.NextMarker is not null };
        });
    }

    public EmptyResponse RetireGrant(CallContext ctx, RetireGrantRequest request)
    {
        RequestValidator.Start()
            .Length(request.GrantToken, "grantToken", 1, 8192)
            .Length(request.KeyId, "keyId", 1, 2048)
            .Length(request.GrantId, "grantId", 1, 128)
            .ThrowIfInvalid();
        if (request.GrantToken is null && (request.KeyId is null || request.GrantId is null))
        {
            throw KmsException.Validation("Specify either GrantToken, or both KeyId and GrantId.");
        }
        return pipeline.InWorld(ctx, (Service: this, Ctx: ctx, Request: request), static (s, kms) => s.Service.RetireGrant(s.Ctx, kms, s.Request));
    }

    /// <summary>
    /// RetireGrant's own path: the grant is named by its token or by key and grant ID, and its
    /// retiring (or grantee) principal needs no permission; anyone else needs kms:RetireGrant.
    /// </summary>
    private EmptyResponse RetireGrant(CallContext ctx, RegionalKms kms, RetireGrantRequest request)
    {
        var op = RetireGrantOperation;
        KmsGrant grant;
        if (request.GrantToken is not null)
        {
            grant = World.Grants.FindByToken(request.GrantToken) ?? throw RequestPipeline.InvalidGrantToken();
            if (!grant.Key.Grants.Contains(grant)) throw GrantNotFound(grant.GrantId);
            ctx.Touch(grant.Key);
        }
        else
        {
            var key = pipeline.ResolveKey(ctx, kms, request.KeyId!, op.AcceptsAlias);
            grant = key.Grants.FirstOrDefault(g => g.GrantId == request.GrantId) ?? throw GrantNotFound(request.GrantId!);
        }
        if (!grant.CanBeRetiredBy(ctx.Caller)) Authorizer.Authorize(ctx, op.Action, grant.Key);
        RequestPipeline.ThrowIfDryRun(op, request.DryRun);
        grant.Key.Grants.Remove(grant);
        return EmptyResponse.Instance;
    }

    public EmptyResponse RevokeGrant(CallContext ctx, RevokeGrantRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.GrantId, "grantId").Length(request.GrantId, "grantId", 1, 128)
            .ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!) { DryRun = request.DryRun };
        return pipeline.Run(RevokeGrantOperation, ctx, call, request.GrantId!, RevokeGrantSteps);
    }

    private static readonly KeyedSteps<string, EmptyResponse> RevokeGrantSteps =
        new(static (grantId, _, key) =>
        {
            key.Grants.Remove(key.Grants.First(g => g.GrantId == grantId));
            return EmptyResponse.Instance;
        })
        {
            Check = static (grantId, _, key) =>
            {
                if (!key.Grants.Exists(g => g.GrantId == grantId)) throw GrantNotFound(grantId);
            },
        };

    private static bool SameGrant(KmsGrant g, CreateGrantRequest r, List<string> operations) =>
        g.GranteePrincipal == r.GranteePrincipal && g.RetiringPrincipal == r.RetiringPrincipal
        && g.GranteeServicePrincipal == r.GranteeServicePrincipal && g.RetiringServicePrincipal == r.RetiringServicePrincipal
        && g.SourceArn == r.Constraints?.SourceArn
        && g.Operations.Order().SequenceEqual(operations.Order())
        && SameContext(g.EncryptionContextEquals, r.Constraints?.EncryptionContextEquals)
        && SameContext(g.EncryptionContextSubset, r.Constraints?.EncryptionContextSubset);

    private static bool SameContext(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a is null && b is null) || (a is not null && b is not null && a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value));

    /// <summary>
    /// CreateGrant's rules for AWS service principals (SDK doc text): GranteePrincipal or
    /// GranteeServicePrincipal, not both; a GranteeServicePrincipal needs a SourceArn constraint
    /// and a RetiringPrincipal or RetiringServicePrincipal; RetiringPrincipal or
    /// RetiringServicePrincipal, not both.
    /// </summary>
    private static void ValidateServicePrincipals(CreateGrantRequest request)
    {
        if (request.GranteePrincipal is not null && request.GranteeServicePrincipal is not null)
        {
            throw KmsException.Validation("You must specify either GranteePrincipal or GranteeServicePrincipal, but not both.");
        }
        if (request.RetiringPrincipal is not null && request.RetiringServicePrincipal is not null)
        {
            throw KmsException.Validation("You can specify either RetiringPrincipal or RetiringServicePrincipal, but not both.");
        }
        if (request.GranteeServicePrincipal is { } grantee)
        {
            ValidateServicePrincipal(grantee, "GranteeServicePrincipal");
            if (request.Constraints?.SourceArn is null)
            {
                throw KmsException.Validation("A grant to a GranteeServicePrincipal must have a SourceArn grant constraint: the ARN of the AWS resource on whose behalf the service uses the key.");
            }
            if (request.RetiringPrincipal is null && request.RetiringServicePrincipal is null)
            {
                throw KmsException.Validation("A grant to a GranteeServicePrincipal must name a RetiringPrincipal or a RetiringServicePrincipal.");
            }
        }
        if (request.RetiringServicePrincipal is { } retiring) ValidateServicePrincipal(retiring, "RetiringServicePrincipal");
        if (request.Constraints?.SourceArn is { } sourceArn && !(sourceArn.StartsWith("arn:", StringComparison.Ordinal) && sourceArn.Split(':').Length >= 6))
        {
            throw KmsException.Validation($"SourceArn '{sourceArn}' is not an ARN: name the AWS resource, e.g. arn:aws:rds:us-east-1:111122223333:db:mydb.");
        }
    }

    private static void ValidateServicePrincipal(string principal, string member)
    {
        if (!principal.EndsWith(".amazonaws.com", StringComparison.Ordinal) || principal.Length <= ".amazonaws.com".Length
            || !principal.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
        {
            throw KmsException.Validation($"{member} '{principal}' is not an AWS service principal: use a name such as rds.amazonaws.com.");
        }
    }

    /// <summary>The ListGrants/ListRetirableGrants filters that only a service principal may use; a lab caller is an IAM identity.</summary>
    private static KmsException OnlyForServicePrincipals(string member) =>
        KmsException.Validation($"The {member} filter is only usable by callers in a service principal; you are calling as an IAM identity.");

    /// <summary>
    /// The grantee EC2 names when it attaches an encrypted EBS volume to an instance
    /// (<c>111122223333:aws:ec2-infrastructure:i-81e2f56c</c>, KMS Developer Guide's EC2 CloudTrail
    /// example): not an ARN, and accepted only when the request comes through EC2 for the account.
    /// </summary>
    private static bool IsEc2InfrastructureGrantee(CallContext ctx, string principal) =>
        ctx.ViaService is { } via && via.StartsWith("ec2.", StringComparison.Ordinal)
        && principal.StartsWith(ctx.AccountId + ":aws:ec2-infrastructure:i-", StringComparison.Ordinal)
        && principal[(ctx.AccountId.Length + ":aws:ec2-infrastructure:i-".Length)..] is { Length: >= 8 and <= 17 } instance
        && instance.All(char.IsAsciiHexDigitLower);

    private static void ValidatePrincipal(string principal, string member)
    {
        bool valid = principal.StartsWith("arn:aws:iam::", StringComparison.Ordinal) || principal.StartsWith("arn:aws:sts::", StringComparison.Ordinal)
            || principal.EndsWith(".amazonaws.com", StringComparison.Ordinal);
        if (!valid || !principal.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or ':' or '/' or '-'))
        {
            throw KmsException.Validation($"{member} '{principal}' is not a valid principal: use an IAM ARN such as arn:aws:iam::111122223333:user/myKeyUser, or an AWS service principal.");
        }
    }

    private static GrantListEntry GrantEntry(KmsGrant g) => new()
    {
        KeyId = g.Key.Arn,
        GrantId = g.GrantId,
        Name = g.Name,
        CreationDate = g.CreationDate,
        GranteePrincipal = g.GranteePrincipal,
        RetiringPrincipal = g.RetiringPrincipal,
        GranteeServicePrincipal = g.GranteeServicePrincipal,
        RetiringServicePrincipal = g.RetiringServicePrincipal,
        IssuingAccount = g.IssuingAccount,
        Operations = [.. g.Operations],
        Constraints = g.EncryptionContextEquals is null && g.EncryptionContextSubset is null && g.SourceArn is null ? null : new GrantConstraints
        {
            EncryptionContextEquals = g.EncryptionContextEquals?.ToDictionary(),
            EncryptionContextSubset = g.EncryptionContextSubset?.ToDictionary(),
            SourceArn = g.SourceArn,
        },
    };

    private static KmsException GrantNotFound(string grantId) => KmsException.NotFound($"Grant ID {grantId} not found.");
}
