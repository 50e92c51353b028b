using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>
/// One version of a key's secret material. Rotation adds a version; older versions stay so that
/// what they encrypted still decrypts. The bytes never leave the engine: only <see cref="Id"/>
/// (a fingerprint-like identifier, as in <c>KeyMaterialId</c>) is ever shown.
/// </summary>
internal sealed class KeyMaterial : IDisposable
{
    public const int IdLength = 32;

    private readonly byte[] _secret;
    private AesGcm? _aes;

    public KeyMaterial(byte[] id, byte[] secret, DateTimeOffset createdAt, string? rotationType)
    {
        if (id.Length != IdLength) throw new ArgumentException("Key material IDs are 32 bytes.", nameof(id));
        IdBytes = id;
        Id = Convert.ToHexStringLower(id);
        _secret = secret;
        CreatedAt = createdAt;
        RotationType = rotationType;
    }

    /// <summary>The raw identifier written into ciphertext blobs.</summary>
    public byte[] IdBytes { get; }

    /// <summary>The identifier as KMS prints it: 64 lowercase hex digits.</summary>
    public string Id { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary><c>AUTOMATIC</c> or <c>ON_DEMAND</c> for material added by rotation; null for the original.</summary>
    public string? RotationType { get; }

    /// <summary>
    /// The AES-256-GCM instance for this material. Callers hold the world lock, which is what makes
    /// sharing one (non-thread-safe) instance correct; it saves a key schedule per call.
    /// </summary>
    public AesGcm Aes => _aes ??= new AesGcm(_secret, CiphertextBlob.TagLength);

    internal ReadOnlySpan<byte> Secret => _secret;

    public static KeyMaterial Generate(RandomNumberGenerator random, DateTimeOffset now, string? rotationType)
    {
        var id = new byte[IdLength];
        var secret = new byte[32];
        random.GetBytes(id);
        random.GetBytes(secret);
        return new KeyMaterial(id, secret, now, rotationType);
    }

    public void Dispose()
    {
        _aes?.Dispose();
        CryptographicOperations.ZeroMemory(_secret);
    }
}
