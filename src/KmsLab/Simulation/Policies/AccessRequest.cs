using KmsLab.Simulation.Identity;
namespace KmsLab.Simulation.Policies;

/// <summary>
/// One authorization question: may this caller perform this KMS action on this key (or on
/// <c>*</c> for actions that have no key), in this request's circumstances. It supplies the
/// values of the condition keys policies test.
/// </summary>
internal sealed class AccessRequest(CallContext context, string action, KmsKey? key)
{
    public CallContext Context { get; } = context;
    public LabPrincipal Caller => Context.Caller;
    public string Action { get; } = action;
    public KmsKey? Key { get; } = key;
    public string Resource => Key?.Arn ?? "*";

    /// <summary>Whether an AWS service principal calls with its own identity (it has no IAM ARN, account or type).</summary>
    private bool IsService => Caller.Kind == PrincipalKind.Service;

    /// <summary>The operation's encryption context, for kms:EncryptionContext:* keys and grant constraints.</summary>
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; init; }

    /// <summary>Further request-specific condition keys (e.g. kms:ScheduleKeyDeletionPendingWindowInDays).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Extra { get; init; }

    /// <summary>For CreateGrant: the grant it would create, which a parent grant must contain.</summary>
    public Grants.ChildGrant? ChildGrant { get; init; }

    public IReadOnlyList<string>? Values(string conditionKey)
    {
        const string contextPrefix = "kms:EncryptionContext:";
        const string tagPrefix = "aws:ResourceTag/";
        if (conditionKey.StartsWith(contextPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = conditionKey[contextPrefix.Length..];
            return EncryptionContext?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } pair ? [pair.Value] : null;
        }
        if (conditionKey.StartsWith(tagPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = conditionKey[tagPrefix.Length..];
            if (Key is null) return null;
            foreach (var tag in Key.Tags)
            {
                if (string.Equals(tag.Key, name, StringComparison.OrdinalIgnoreCase)) return [tag.Value];
            }
            return null;
        }
        if (Extra is not null && Extra.FirstOrDefault(p => string.Equals(p.Key, conditionKey, StringComparison.OrdinalIgnoreCase)) is { Key: not null } extra)
        {
            return extra.Value;
        }
        return conditionKey.ToLowerInvariant() switch
        {
            "kms:encryptioncontextkeys" => EncryptionContext is null ? null : [.. EncryptionContext.Keys],
            "kms:calleraccount" or "aws:principalaccount" => IsService ? null : [Caller.AccountId],
            "aws:principalarn" => IsService ? null : [Caller.Arn],
            "aws:username" => Caller.Kind == PrincipalKind.User ? [Caller.Name] : null,
            "aws:principaltype" => IsService ? null : [Caller.Kind == PrincipalKind.User ? "User" : "AssumedRole"],
            "aws:principalservicename" => IsService ? [Caller.Name] : null,
            "aws:principalisawsservice" => [IsService ? "true" : "false"],
            "aws:sourcearn" => Context.SourceArn is null ? null : [Context.SourceArn],
            "aws:sourceaccount" => Context.SourceAccount is null ? null : [Context.SourceAccount],
            "kms:viaservice" => Context.ViaService is null ? null : [Context.ViaService],
            "kms:grantisforawsresource" => Action is "kms:CreateGrant" or "kms:ListGrants" or "kms:RevokeGrant" ? [Context.ViaService is null ? "false" : "true"] : null,
            "aws:requestedregion" => [Context.Region],
            "aws:sourceip" => Context.SourceIp is null ? null : [Context.SourceIp],
            "aws:sourcevpce" => Context.SourceVpce is null ? null : [Context.SourceVpce],
            "kms:requestalias" => Context.RequestAlias is null ? null : [Context.RequestAlias],
            "kms:resourcealiases" => Key is null || Context.AliasesOf is null ? null : Context.AliasesOf(Key) is { Count: > 0 } aliases ? aliases : null,
            "kms:keyspec" => Key is null ? null : [Key.Spec.Name],
            "kms:keyusage" => Key is null ? null : [Key.KeyUsage],
            "kms:keyorigin" => Key is null ? null : [Key.Origin],
            "kms:keymanager" => Key is null ? null : [Key.KeyManager],
            "kms:multiregion" => Key is null ? null : [Key.MultiRegion is null ? "false" : "true"],
            "kms:multiregionkeytype" => Key?.MultiRegion is { } set ? [set.TypeOf(Key)] : null,
            "aws:resourceaccount" => Key is null ? null : [Key.AccountId],
            _ => null,
        };
    }
}
