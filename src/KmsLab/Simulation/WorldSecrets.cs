using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>
/// Secrets of the simulated service itself, drawn once per world from its random source. They
/// stand in for what real KMS keeps in its HSMs to authenticate import tokens and to identify
/// imported key material; they are never shown.
/// </summary>
internal sealed class WorldSecrets
{
    private readonly byte[] _importTokenKey = new byte[32];
    private readonly byte[] _materialIdKey = new byte[32];

    public WorldSecrets(RandomNumberGenerator random)
    {
        random.GetBytes(_importTokenKey);
        random.GetBytes(_materialIdKey);
    }

    private WorldSecrets(ReadOnlySpan<byte> exported)
    {
        if (exported.Length != 64) throw new ArgumentException("World secrets are 64 bytes.", nameof(exported));
        exported[..32].CopyTo(_importTokenKey);
        exported[32..].CopyTo(_materialIdKey);
    }

    /// <summary>
    /// The secrets as bytes, for a state file: a restored world must keep them, or its import
    /// tokens stop opening and re-imported material gets another KeyMaterialId (and is refused).
    /// </summary>
    public byte[] Export() => [.. _importTokenKey, .. _materialIdKey];

    /// <summary>Secrets that <see cref="Export"/> wrote.</summary>
    public static WorldSecrets FromExported(ReadOnlySpan<byte> exported) => new(exported);

    /// <summary>The AES-256-GCM key that seals import tokens.</summary>
    public ReadOnlySpan<byte> ImportTokenKey => _importTokenKey;

    /// <summary>
    /// The KeyMaterialId of imported material: HMAC-SHA256 over the key's ID and the material, so
    /// the same bytes imported into the same key always get the same ID (re-import restores old
    /// ciphertexts) while the ID reveals nothing about the material to anyone without this key.
    /// </summary>
    public byte[] ImportedMaterialId(Guid keyId, ReadOnlySpan<byte> canonicalMaterial)
    {
        var label = "KmsLab imported key material v1"u8;
        var message = new byte[label.Length + 16 + canonicalMaterial.Length];
        label.CopyTo(message);
        keyId.TryWriteBytes(message.AsSpan(label.Length), bigEndian: true, out _);
        canonicalMaterial.CopyTo(message.AsSpan(label.Length + 16));
        try
        {
            return HMACSHA256.HashData(_materialIdKey, message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
        }
    }
}
