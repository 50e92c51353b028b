using KmsLab.Simulation.Model;

namespace KmsLab.Simulation;

internal sealed partial class KmsEngine
{
    private const int MaxGrantsPerKey = 50_000;

    /// <summary>Grant operations that make sense for each key usage.</summary>
    private static readonly Dictionary<string, string[]> GrantOperationsByUsage = new()
    {
        ["ENCRYPT_DECRYPT"] = ["Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GetPublicKey"],
        ["SIGN_VERIFY"] = ["Sign", "Verify", "GetPublicKey"],
        ["GENERATE_VERIFY_MAC"] = ["GenerateMac", "VerifyMac"],
        ["KEY_AGREEMENT"] = ["DeriveSharedSecret", "GetPublicKey"],
    };

    private static readonly string[] GrantOperationsForAnyKey = ["CreateGrant", "RetireGrant", "DescribeKey"];

    public CreateGrantResponse CreateGrant(CallContext ctx, CreateGrantRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.GranteePrincipal, "granteePrincipal").Length(request.GranteePrincipal, "granteePrincipal", 1, 256)
            .Length(request.RetiringPrincipal, "retiringPrincipal", 1, 256)
            .Required(request.Operations, "operations")
            .Length(request.Name, "name", 1, 256)
            .Pattern(request.Name, "name", "^[a-zA-Z0-9:/_-]+$", n => n.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '/' or '_' or '-'));
        for (int i = 0; i < (request.Operations?.Count ?? 0); i++) v.Enum(request.Operations![i], $"operations.{i + 1}.member", KmsGrant.AllOperations);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        if (request.Operations!.Count == 0) throw KmsException.Validation("1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1");
        ValidatePrincipal(request.GranteePrincipal!, "GranteePrincipal");
        if (request.RetiringPrincipal is not null) ValidatePrincipal(request.RetiringPrincipal, "RetiringPrincipal");
        var constraints = request.Constraints;
        if (constraints?.EncryptionContextEquals is not null && constraints.EncryptionContextSubset is not null)
        {
            throw KmsException.Validation("A grant constraint can include EncryptionContextEquals or EncryptionContextSubset, not both.");
        }

        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var key = AuthorizedKey(ctx, kms, request.KeyId!, "kms:CreateGrant");
            key.EnsureUsable();
            var allowed = GrantOperationsByUsage[key.KeyUsage].Concat(GrantOperationsForAnyKey).ToHashSet();
            if (request.Operations!.FirstOrDefault(o => !allowed.Contains(o)) is { } invalid)
            {
                throw KmsException.Validation($"Grant operation {invalid} is not valid for {key.Arn}, a {key.Spec.Name} key with key usage {key.KeyUsage}.");
            }
            if (constraints is not null && !key.Spec.IsSymmetric)
            {
                throw KmsException.Validation("Encryption context grant constraints are supported only for symmetric encryption keys.");
            }
            ThrowIfDryRun(request.DryRun);
            var operations = request.Operations!.Distinct().ToList();
            if (request.Name is not null && key.Grants.FirstOrDefault(g => g.Name == request.Name && SameGrant(g, request, operations)) is { } existing)
            {
                // Same name and parameters: the same grant (a retry); each call still gets its own token.
                return new CreateGrantResponse { GrantId = existing.GrantId, GrantToken = World.Grants.IssueToken(existing, World.Random) };
            }
            if (key.Grants.Count >= MaxGrantsPerKey) throw new KmsException(KmsErrorCodes.LimitExceeded, $"{key.Arn} already has {MaxGrantsPerKey} grants.");
            var grant = new KmsGrant
            {
                GrantId = World.Grants.NewGrantId(World.Random),
                Key = key,
                Name = request.Name,
                CreationDate = Now,
                GranteePrincipal = request.GranteePrincipal!,
                RetiringPrincipal = request.RetiringPrincipal,
                IssuingAccount = KmsArn.AccountRoot(key.AccountId),
                Operations = operations,
                EncryptionContextEquals = constraints?.EncryptionContextEquals,
                EncryptionContextSubset = constraints?.EncryptionContextSubset,
            };
            key.Grants.Add(grant);
            return new CreateGrantResponse { GrantId = grant.GrantId, GrantToken = World.Grants.IssueToken(grant, World.Random) };
        });
    }

    public ListGrantsResponse ListGrants(CallContext ctx, ListGrantsRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Length(request.GrantId, "grantId", 1, 128)
            .Length(request.GranteePrincipal, "granteePrincipal", 1, 256)
            .ThrowIfInvalid();
        ValidatePaging(request.Limit, request.Marker, 100);
        return Run(ctx, kms =>
        {
            var key = AuthorizedKey(ctx, kms, request.KeyId!, "kms:ListGrants");
            var grants = key.Grants
                .Where(g => request.GrantId is null || g.GrantId == request.GrantId)
                .Where(g => request.GranteePrincipal is null || g.GranteePrincipal == request.GranteePrincipal)
                .ToList();
            var page = Paging.Page(grants, g => g.GrantId, request.Limit ?? 50, request.Marker);
            return new ListGrantsResponse { Grants = page.Items.Select(GrantEntry).ToList(), NextMarker = page.NextMarker, Truncated = page.NextMarker is not null };
        });
    }

    public ListGrantsResponse ListRetirableGrants(CallContext ctx, ListRetirableGrantsRequest request)
    {
        RequestValidator.Start()
            .Required(request.RetiringPrincipal, "retiringPrincipal").Length(request.RetiringPrincipal, "retiringPrincipal", 1, 256)
            .ThrowIfInvalid();
        ValidatePaging(request.Limit, request.Marker, 100);
        return Run(ctx, kms =>
        {
            Authorize(ctx, "kms:ListRetirableGrants", null);
            var grants = kms.Keys.SelectMany(k => k.Grants).Where(g => g.RetiringPrincipal == request.RetiringPrincipal).ToList();
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
        return Run(ctx, kms =>
        {
            KmsGrant grant;
            if (request.GrantToken is not null)
            {
                grant = World.Grants.FindByToken(request.GrantToken) ?? throw InvalidGrantToken();
                if (!grant.Key.Grants.Contains(grant)) throw KmsException.NotFound($"Grant ID {grant.GrantId} not found.");
                ctx.Touch(grant.Key);
            }
            else
            {
                var key = ResolveKey(ctx, kms, request.KeyId!, allowAlias: false);
                grant = key.Grants.FirstOrDefault(g => g.GrantId == request.GrantId) ?? throw GrantNotFound(request.GrantId!);
            }
            if (!grant.CanBeRetiredBy(ctx.Caller)) Authorize(ctx, "kms:RetireGrant", grant.Key);
            ThrowIfDryRun(request.DryRun);
            grant.Key.Grants.Remove(grant);
            return EmptyResponse.Instance;
        });
    }

    public EmptyResponse RevokeGrant(CallContext ctx, RevokeGrantRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.GrantId, "grantId").Length(request.GrantId, "grantId", 1, 128)
            .ThrowIfInvalid();
        return Run(ctx, kms =>
        {
            var key = AuthorizedKey(ctx, kms, request.KeyId!, "kms:RevokeGrant");
            var grant = key.Grants.FirstOrDefault(g => g.GrantId == request.GrantId) ?? throw GrantNotFound(request.GrantId!);
            ThrowIfDryRun(request.DryRun);
            key.Grants.Remove(grant);
            return EmptyResponse.Instance;
        });
    }

    /// <summary>Grant tokens passed with a request must be tokens KMS issued.</summary>
    private void CheckGrantTokens(List<string>? tokens)
    {
        foreach (var token in tokens ?? [])
        {
            if (World.Grants.FindByToken(token) is null) throw InvalidGrantToken();
        }
    }

    private static bool SameGrant(KmsGrant g, CreateGrantRequest r, List<string> operations) =>
        g.GranteePrincipal == r.GranteePrincipal && g.RetiringPrincipal == r.RetiringPrincipal
        && g.Operations.Order().SequenceEqual(operations.Order())
        && SameContext(g.EncryptionContextEquals, r.Constraints?.EncryptionContextEquals)
        && SameContext(g.EncryptionContextSubset, r.Constraints?.EncryptionContextSubset);

    private static bool SameContext(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a is null && b is null) || (a is not null && b is not null && a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value));

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
        IssuingAccount = g.IssuingAccount,
        Operations = [.. g.Operations],
        Constraints = g.EncryptionContextEquals is null && g.EncryptionContextSubset is null ? null : new GrantConstraints
        {
            EncryptionContextEquals = g.EncryptionContextEquals?.ToDictionary(),
            EncryptionContextSubset = g.EncryptionContextSubset?.ToDictionary(),
        },
    };

    private static KmsException InvalidGrantToken() => new(KmsErrorCodes.InvalidGrantToken, "The request was rejected because the specified grant token is not valid.");

    private static KmsException GrantNotFound(string grantId) => KmsException.NotFound($"Grant ID {grantId} not found.");
}
