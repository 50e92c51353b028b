using System.Security.Cryptography;

namespace KmsLab.Xks;

/// <summary>
/// The proxy's own SigV4 credential, which KMS signs every request to it with
/// (<c>XksProxyAuthenticationCredential</c> in CreateCustomKeyStore). It belongs to no IAM
/// principal: it is a secret shared by the proxy and the external key store's configuration.
/// </summary>
/// <param name="AccessKeyId">20 to 30 characters, <c>A</c>–<c>Z</c> and <c>2</c>–<c>7</c> (the specification's Appendix A).</param>
/// <param name="RawSecretAccessKey">43 to 64 characters of <c>A</c>–<c>Z</c>, <c>a</c>–<c>z</c>, <c>0</c>–<c>9</c>, <c>+</c>, <c>/</c> and <c>=</c>, with at least 256 bits of entropy.</param>
public sealed record XksCredential(string AccessKeyId, string RawSecretAccessKey)
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>A fresh credential: a 24-character Base32 access key ID (not derived from the secret) and the Base64 of 32 random bytes as the secret.</summary>
    public static XksCredential Generate(RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> id = stackalloc byte[24];
        random.GetBytes(id);
        var accessKeyId = string.Create(24, id.ToArray(), static (chars, bytes) =>
        {
            for (int i = 0; i < chars.Length; i++) chars[i] = Base32[bytes[i] & 31];
        });
        Span<byte> secret = stackalloc byte[32];
        random.GetBytes(secret);
        var raw = Convert.ToBase64String(secret);
        CryptographicOperations.ZeroMemory(secret);
        return new XksCredential(accessKeyId, raw);
    }

    /// <summary>Why this credential breaks the specification's rules, or null if it keeps them.</summary>
    public string? Problem()
    {
        if (AccessKeyId is null || AccessKeyId.Length is < 20 or > 30 || !AccessKeyId.All(c => Base32.Contains(c, StringComparison.Ordinal)))
            return "the access key ID must be 20 to 30 characters of A-Z and 2-7";
        if (RawSecretAccessKey is null || RawSecretAccessKey.Length is < 43 or > 64 || !RawSecretAccessKey.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
            return "the secret access key must be 43 to 64 characters of A-Z, a-z, 0-9, +, / and =";
        return null;
    }

    /// <summary>Shows the access key ID only: a credential printed by accident must not give the secret away.</summary>
    public override string ToString() => $"XksCredential {{ AccessKeyId = {AccessKeyId}, RawSecretAccessKey = (hidden) }}";
}
