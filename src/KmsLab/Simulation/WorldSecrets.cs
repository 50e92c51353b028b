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
