using System.Security.Cryptography;
using System.Text;

namespace KmsLab.Simulation;

/// <summary>
/// The simulated IAM users of every account, found by access key as AWS finds the signer of a
/// request. A lab user's keys are derived from its account and name, so they are the same in every
/// run: a learner configures an <c>aws</c> profile once, and the README can print them. They guard
/// nothing real — the simulator has no secrets worth stealing and listens on loopback only.
/// </summary>
internal sealed class PrincipalDirectory
{
    private const string AccessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private readonly Dictionary<string, LabPrincipal> _byAccessKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LabPrincipal> _byArn = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public LabPrincipal AddUser(string accountId, string userName)
    {
        lock (_sync)
        {
            var arn = $"arn:aws:iam::{accountId}:user/{userName}";
            if (_byArn.TryGetValue(arn, out var existing)) return existing;
            var principal = new LabPrincipal(accountId, arn, userName, "AKIA" + Derive(arn, "access-key", AccessKeyAlphabet, 16), Derive(arn, "secret-key", SecretAlphabet, 40));
            _byAccessKey.Add(principal.AccessKeyId, principal);
            _byArn.Add(arn, principal);
            return principal;
        }
    }

    public LabPrincipal? FindByAccessKey(string accessKeyId)
    {
        lock (_sync) return _byAccessKey.GetValueOrDefault(accessKeyId);
    }

    public LabPrincipal? FindByArn(string arn)
    {
        lock (_sync) return _byArn.GetValueOrDefault(arn);
    }

    public IReadOnlyList<LabPrincipal> All
    {
        get { lock (_sync) return [.. _byArn.Values]; }
    }

    private static string Derive(string arn, string purpose, string alphabet, int length)
    {
        var digest = SHA512.HashData(Encoding.UTF8.GetBytes($"kmslab:{purpose}:{arn}"));
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = alphabet[digest[i] % alphabet.Length];
        return new string(chars);
    }
}
