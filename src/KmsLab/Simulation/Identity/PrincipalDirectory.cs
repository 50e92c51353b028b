using System.Security.Cryptography;
using System.Text;

namespace KmsLab.Simulation.Identity;

/// <summary>
/// The simulated IAM users and roles of every account, found by access key as AWS finds the
/// signer of a request. A lab principal's keys are derived from its account, kind and name, so
/// they are the same in every run: a learner configures an <c>aws</c> profile once. They guard
/// nothing real — the simulator has no secrets worth stealing and listens on loopback only.
/// </summary>
internal sealed class PrincipalDirectory
{
    private const string AccessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private readonly Dictionary<string, LabPrincipal> _byAccessKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LabPrincipal> _byArn = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public LabPrincipal AddUser(string accountId, string userName) => Add(accountId, userName, PrincipalKind.User);

    public LabPrincipal AddRole(string accountId, string roleName) => Add(accountId, roleName, PrincipalKind.Role);

    private LabPrincipal Add(string accountId, string name, PrincipalKind kind)
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '=' or ',' or '.' or '@' or '_' or '-'))
        {
            throw new ArgumentException($"'{name}' is not a valid IAM name: use 1-64 letters, digits and +=,.@_-", nameof(name));
        }
        if (accountId.Length != 12 || !accountId.All(char.IsAsciiDigit)) throw new ArgumentException($"'{accountId}' is not a 12-digit AWS account ID.", nameof(accountId));
        lock (_sync)
        {
            var seed = $"{accountId}:{kind}:{name}";
            var principal = new LabPrincipal(accountId, name, kind, (kind == PrincipalKind.User ? "AKIA" : "ASIA") + Derive(seed, "access-key", AccessKeyAlphabet, 16), Derive(seed, "secret-key", SecretAlphabet, 40));
            if (_byArn.TryGetValue(principal.Arn, out var existing)) return existing;
            _byAccessKey.Add(principal.AccessKeyId, principal);
            _byArn.Add(principal.Arn, principal);
            return principal;
        }
    }

    public LabPrincipal? FindByAccessKey(string accessKeyId)
    {
        lock (_sync) return _byAccessKey.GetValueOrDefault(accessKeyId);
    }

    /// <summary>Finds a principal by IAM ARN, or by user name in the given account.</summary>
    public LabPrincipal? Find(string arnOrName, string accountId)
    {
        lock (_sync)
        {
            if (_byArn.TryGetValue(arnOrName, out var byArn)) return byArn;
            return _byArn.GetValueOrDefault($"arn:aws:iam::{accountId}:user/{arnOrName}") ?? _byArn.GetValueOrDefault($"arn:aws:iam::{accountId}:role/{arnOrName}");
        }
    }

    public IReadOnlyList<LabPrincipal> All
    {
        get { lock (_sync) return [.. _byArn.Values]; }
    }

    private static string Derive(string seed, string purpose, string alphabet, int length)
    {
        var digest = SHA512.HashData(Encoding.UTF8.GetBytes($"kmslab:{purpose}:{seed}"));
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = alphabet[digest[i] % alphabet.Length];
        return new string(chars);
    }
}
