using KmsLab.Simulation.Operations;

namespace KmsLab.Simulation.Pipeline;

/// <summary>
/// The one request pipeline. An operation validates its request (its own rules, outside the
/// lock), then, under the world lock: catch-up of due events, grant tokens, the key its
/// <c>KeyId</c> names (aliases as <see cref="KmsOperation.AcceptsAlias"/> says), authorization
/// of <see cref="KmsOperation.Action"/>, key state against <see cref="KmsOperation.KeyStates"/>,
/// key usage against <see cref="KmsOperation.KeyUsages"/>, the operation's own checks, DryRun,
/// the operation's action, and the key's last use when <see cref="KmsOperation.TracksLastUsage"/>.
/// Operations whose key is named otherwise (by the ciphertext, by a grant token, two keys) run
/// the same steps from <see cref="InWorld{TState, TResponse}"/>.
/// </summary>
internal sealed class RequestPipeline(KmsWorld world)
{
    private readonly KeyResolver _keys = new(world);
    private readonly ScheduledEvents _events = new(world);

    public KmsWorld World { get; } = world;

    public DateTimeOffset Now => World.Clock.GetUtcNow();

    /// <summary>Runs an operation on the key its request names, every step in order.</summary>
    public TResponse Run<TState, TResponse>(KmsOperation op, CallContext ctx, in KeyedCall call, TState state, KeyedSteps<TState, TResponse> steps)
    {
        lock (World.Sync)
        {
            var kms = Enter(ctx);
            CheckGrantTokens(call.GrantTokens);
            var key = ResolveKey(ctx, kms, call.KeyId, op.AcceptsAlias);
            Authorizer.Authorize(ctx, op.Action, key, call.EncryptionContext, call.Conditions, call.ChildGrant);
            steps.BeforeState?.Invoke(state, kms, key);
            KeyChecks.State(key, op.KeyStates);
            KeyChecks.Usage(key, op.KeyUsages, call.UsageNamedAs ?? op.Name);
            KeyChecks.Backing(key, op);
            steps.Check?.Invoke(state, kms, key);
            ThrowIfDryRun(op, call.DryRun);
            var response = steps.Run(state, kms, key);
            RecordUse(op, ctx, key);
            return response;
        }
    }

    /// <summary>Runs an operation that names no key: authorized on <c>*</c> (CreateKey, ListKeys, GenerateRandom...).</summary>
    public TResponse RunWithoutKey<TState, TResponse>(KmsOperation op, CallContext ctx, TState state, Func<TState, RegionalKms, TResponse> run, IReadOnlyDictionary<string, IReadOnlyList<string>>? conditions = null)
    {
        lock (World.Sync)
        {
            var kms = Enter(ctx);
            Authorizer.Authorize(ctx, op.Action, null, extra: conditions);
            return run(state, kms);
        }
    }

    /// <summary>
    /// Runs an operation's own sequence of the pipeline's steps under the world lock, after
    /// catch-up: for operations whose key is not simply their <c>KeyId</c>.
    /// </summary>
    public TResponse InWorld<TState, TResponse>(CallContext ctx, TState state, Func<TState, RegionalKms, TResponse> operation)
    {
        lock (World.Sync)
        {
            return operation(state, Enter(ctx));
        }
    }

    /// <summary>Applies the events the clock has passed (for callers outside a request: a lab, a simulated service).</summary>
    public void CatchUp() => _events.CatchUp(Now);

    /// <summary>The key step: resolves a key-naming member and records it among the call's resources.</summary>
    public KmsKey ResolveKey(CallContext ctx, RegionalKms kms, string keyId, bool allowAlias) => _keys.Resolve(ctx, kms, keyId, allowAlias);

    /// <summary>
    /// Resolve, authorize, key state, key usage: the key steps of <see cref="Run{TState, TResponse}"/>
    /// for a custom path (ReEncrypt's destination, data key pairs), for <paramref name="action"/>.
    /// </summary>
    public KmsKey UsableKey(KmsOperation op, CallContext ctx, RegionalKms kms, string keyId, string action, in KeyedCall call)
    {
        var key = ResolveKey(ctx, kms, keyId, op.AcceptsAlias);
        Authorizer.Authorize(ctx, action, key, call.EncryptionContext, call.Conditions);
        KeyChecks.State(key, op.KeyStates);
        KeyChecks.Usage(key, op.KeyUsages, call.UsageNamedAs ?? op.Name);
        KeyChecks.Backing(key, op);
        return key;
    }

    /// <summary>Grant tokens passed with a request must be tokens KMS issued.</summary>
    public void CheckGrantTokens(List<string>? tokens)
    {
        if (tokens is null) return;
        foreach (var token in tokens)
        {
            if (World.Grants.FindByToken(token) is null) throw InvalidGrantToken();
        }
    }

    /// <summary>The DryRun step, after every check passed: KMS answers that the request would have succeeded.</summary>
    public static void ThrowIfDryRun(KmsOperation op, bool? dryRun)
    {
        if (op.DryRun && dryRun == true) throw new KmsException(KmsErrorCodes.DryRunOperation, "The request would have succeeded, but the DryRun option is set.");
    }

    /// <summary>The record step: a successful call of an operation that tracks last usage is the key's last use.</summary>
    public static void RecordUse(KmsOperation op, CallContext ctx, KmsKey key)
    {
        if (op.TracksLastUsage) key.LastUse = new KeyLastUse(op.Name, ctx.Time!.Value, ctx.RequestId, ctx.EventId);
    }

    public static KmsException InvalidGrantToken() => new(KmsErrorCodes.InvalidGrantToken, "The request was rejected because the specified grant token is not valid.");

    /// <summary>Stamps the call with the simulated time and brings the world up to it; the caller's KMS (account and Region).</summary>
    /// <summary>kms:ResourceAliases: a key's aliases, looked up in its own account and Region only when a policy asks (one delegate for every call).</summary>
    private Func<KmsKey, IReadOnlyList<string>> _aliasesOf => _aliasesOfCached ??= key => [.. World.Region(key.AccountId, key.Region).Aliases.Where(a => a.Target == key).Select(a => a.Name)];

    private Func<KmsKey, IReadOnlyList<string>>? _aliasesOfCached;

    private RegionalKms Enter(CallContext ctx)
    {
        var now = Now;
        ctx.Time = now;
        ctx.AliasesOf = _aliasesOf;
        ctx.Changes = World.Changes;
        _events.CatchUp(now);
        return World.Region(ctx.AccountId, ctx.Region);
    }
}
