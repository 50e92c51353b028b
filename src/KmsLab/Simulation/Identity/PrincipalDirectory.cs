using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>The simulated IAM users of every account, found by access key as AWS does for a signed request.</summary>
internal sealed class PrincipalDirectory(RandomNumberGenerator random)
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
            var principal = new LabPrincipal(accountId, arn, userName, "AKIA" + RandomString(AccessKeyAlphabet, 16), RandomString(SecretAlphabet, 40));
            _byAccessKey.Add(principal.AccessKeyId, principal);
            _byArn.Add(arn, principal);
            return principal;
        }
    }

    public LabPrincipal? FindByAccessKey(string accessKeyId)
    {
        lock (_sync) return _byAccessKey.GetValueOrDefault(accessKeyId);
    }

    public IReadOnlyList<LabPrincipal> All
    {
        get { lock (_sync) return [.. _byArn.Values]; }
    }

    private string RandomString(string alphabet, int length)
    {
        Span<byte> bytes = stackalloc byte[length];
        random.GetBytes(bytes);
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = alphabet[bytes[i] % alphabet.Length];
        return new string(chars);
    }
}
