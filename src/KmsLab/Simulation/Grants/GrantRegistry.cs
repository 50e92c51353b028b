using System.Security.Cryptography;

namespace KmsLab.Simulation.Grants;

/// <summary>
/// Grant IDs and the tokens issued for grants. A token is opaque to callers; every CreateGrant
/// call issues a new one, and each stays valid for naming its grant.
/// </summary>
internal sealed class GrantRegistry
{
    private readonly Dictionary<string, KmsGrant> _byToken = new(StringComparer.Ordinal);

    public string NewGrantId(RandomNumberGenerator random)
    {
        Span<byte> bytes = stackalloc byte[32];
        random.GetBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public string IssueToken(KmsGrant grant, RandomNumberGenerator random)
    {
        Span<byte> bytes = stackalloc byte[96];
        random.GetBytes(bytes);
        var token = Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        _byToken.Add(token, grant);
        return token;
    }

    public KmsGrant? FindByToken(string token) => _byToken.GetValueOrDefault(token);

    /// <summary>The tokens issued for <paramref name="grant"/> (for saving the world's state).</summary>
    public IEnumerable<string> TokensOf(KmsGrant grant) => _byToken.Where(t => t.Value == grant).Select(t => t.Key);

    /// <summary>Makes a token issued before a restart name its grant again.</summary>
    public void RestoreToken(string token, KmsGrant grant) => _byToken[token] = grant;
}
