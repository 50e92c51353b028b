using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>
/// One version of a key's secret material: an AES-256 key, an HMAC secret, or an RSA or EC key
/// pair held as its PKCS#8 private key (<see cref="Kind"/>). Rotation adds a version; older
/// versions stay so that what they encrypted still decrypts. The secret never leaves the engine:
/// only <see cref="Id"/> (a fingerprint-like identifier, as in <c>KeyMaterialId</c>) and, for key
/// pairs, the public key are ever shown.
/// </summary>
internal sealed class KeyMaterial : IDisposable
{
    public const int IdLength = 32;

    private readonly byte[] _secret;
    private AesGcm? _aes;
    private readonly KeySpecInfo? _spec;
    private AsymmetricAlgorithm? _keyPair;
    private ECDiffieHellman? _ecdh;
    private Org.BouncyCastle.Crypto.AsymmetricKeyParameter? _bouncyCastleKey;
    private byte[]? _publicKey;

    public KeyMaterial(byte[] id, byte[] secret, DateTimeOffset createdAt, string? rotationType)
        : this(KeyMaterialKind.Aes, id, secret, createdAt, rotationType)
    {
    }

    private KeyMaterial(KeyMaterialKind kind, byte[] id, byte[] secret, DateTimeOffset createdAt, string? rotationType, AsymmetricAlgorithm? keyPair = null, KeySpecInfo? spec = null)
    {
        _spec = spec;
        if (id.Length != IdLength) throw new ArgumentException("Key material IDs are 32 bytes.", nameof(id));
        Kind = kind;
        IdBytes = id;
        Id = Convert.ToHexStringLower(id);
        _secret = secret;
        _keyPair = keyPair;
        CreatedAt = createdAt;
        RotationType = rotationType;
    }

    public KeyMaterialKind Kind { get; }

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
    public AesGcm Aes => Kind == KeyMaterialKind.Aes ? _aes ??= new AesGcm(_secret, CiphertextBlob.TagLength) : throw WrongKind(KeyMaterialKind.Aes);

    /// <summary>The RSA key pair of RSA material (used under the world lock, like <see cref="Aes"/>).</summary>
    public RSA Rsa => Kind == KeyMaterialKind.Rsa ? (RSA)KeyPair : throw WrongKind(KeyMaterialKind.Rsa);

    /// <summary>The EC key pair of ECC material.</summary>
    public ECDsa Ecdsa => Kind == KeyMaterialKind.Ecc ? (ECDsa)KeyPair : throw WrongKind(KeyMaterialKind.Ecc);

    /// <summary>The EC key pair of ECC material for ECDH (KEY_AGREEMENT keys), from the same PKCS#8 private key.</summary>
    public ECDiffieHellman Ecdh => Kind == KeyMaterialKind.Ecc ? _ecdh ??= ImportPkcs8(ECDiffieHellman.Create(), _secret) : throw WrongKind(KeyMaterialKind.Ecc);

    /// <summary>The private key of Ed25519, ML-DSA and ML-KEM material, expanded from its seed once (used under the world lock).</summary>
    public Org.BouncyCastle.Crypto.AsymmetricKeyParameter BouncyCastleKey =>
        _spec is { IsBouncyCastle: true } spec ? _bouncyCastleKey ??= BouncyCastleKeys.PrivateKey(spec, _secret) : throw new InvalidOperationException($"{Kind} material is not held by BouncyCastle.");

    /// <summary>The public key of a key pair as DER-encoded X.509 SubjectPublicKeyInfo (RFC 5280), as GetPublicKey returns it.</summary>
    public byte[] PublicKey => (_publicKey ??= _spec is { IsBouncyCastle: true } ? BouncyCastleKeys.SubjectPublicKeyInfo(BouncyCastleKey) : KeyPair.ExportSubjectPublicKeyInfo()).ToArray();

    /// <summary>The secret itself: AES key, HMAC key, or PKCS#8 private key. For the engine's own use only.</summary>
    internal ReadOnlySpan<byte> Secret => _secret;

    private AsymmetricAlgorithm KeyPair => _keyPair ??= Kind switch
    {
        KeyMaterialKind.Rsa => ImportPkcs8(RSA.Create(), _secret),
        KeyMaterialKind.Ecc => ImportPkcs8(ECDsa.Create(), _secret),
        _ => throw new InvalidOperationException($"{Kind} material has no public key."),
    };

    /// <summary>Symmetric (AES) material with a random ID, as KMS generates for SYMMETRIC_DEFAULT keys and their rotations.</summary>
    public static KeyMaterial Generate(RandomNumberGenerator random, DateTimeOffset now, string? rotationType)
    {
        var id = new byte[IdLength];
        var secret = new byte[32];
        random.GetBytes(id);
        random.GetBytes(secret);
        return new KeyMaterial(id, secret, now, rotationType);
    }

    /// <summary>
    /// New material for a key of <paramref name="spec"/>, as KMS generates it at CreateKey. Key
    /// pairs can take a second (RSA_4096): call this outside the world lock.
    /// </summary>
    public static KeyMaterial Generate(KeySpecInfo spec, KeyPairFactory keyPairs, RandomNumberGenerator random, DateTimeOffset now)
    {
        var id = new byte[IdLength];
        random.GetBytes(id);
        switch (spec.Kind)
        {
            case KeyMaterialKind.Aes:
            case KeyMaterialKind.Hmac:
                var secret = new byte[spec.Size];
                random.GetBytes(secret);
                return new KeyMaterial(spec.Kind, id, secret, now, rotationType: null);
            case KeyMaterialKind.Rsa:
                var rsa = keyPairs.CreateRsa(spec.Size);
                return new KeyMaterial(spec.Kind, id, rsa.ExportPkcs8PrivateKey(), now, rotationType: null, rsa);
            case KeyMaterialKind.Ecc:
                var ecdsa = keyPairs.CreateEcdsa(spec.Curve);
                return new KeyMaterial(spec.Kind, id, ecdsa.ExportPkcs8PrivateKey(), now, rotationType: null, ecdsa);
            case KeyMaterialKind.Ed25519:
            case KeyMaterialKind.MLDsa:
            case KeyMaterialKind.MLKem:
                // The seed is the key (FIPS 203/204 KeyGen from a seed; RFC 8032 §5.1.5).
                var seed = new byte[BouncyCastleKeys.SeedLength(spec.Kind)];
                random.GetBytes(seed);
                return new KeyMaterial(spec.Kind, id, seed, now, rotationType: null, spec: spec);
            default:
                throw new InvalidOperationException($"KmsLab does not simulate {spec.Name} key material.");
        }
    }

    /// <summary>Material as a state file kept it (the secret as <see cref="Secret"/> gave it): its kind follows from the key's spec.</summary>
    public static KeyMaterial Restore(KeySpecInfo spec, byte[] id, byte[] secret, DateTimeOffset createdAt, string? rotationType) =>
        new(spec.Kind, id, secret, createdAt, rotationType, spec: spec);

    /// <summary>Material imported into an EXTERNAL key: <paramref name="canonical"/> comes from <see cref="Canonicalize"/>.</summary>
    public static KeyMaterial Imported(KeySpecInfo spec, byte[] id, byte[] canonical, DateTimeOffset now) =>
        new(spec.Kind, id, canonical, now, rotationType: null, spec: spec);

    /// <summary>
    /// Checks that imported bytes are key material for <paramref name="spec"/> and returns them in
    /// one canonical form (so that the same key, however encoded, gets the same KeyMaterialId):
    /// 32 bytes for SYMMETRIC_DEFAULT; for HMAC keys 28–64 (HMAC_224), 32–64 (HMAC_256), 48–128
    /// (HMAC_384) or 64–128 (HMAC_512) bytes; for RSA and ECC a DER PKCS#8 private key of the
    /// spec's size or curve, re-encoded by the platform. Null when the bytes do not fit the spec.
    /// </summary>
    public static byte[]? Canonicalize(KeySpecInfo spec, ReadOnlySpan<byte> material)
    {
        switch (spec.Kind)
        {
            case KeyMaterialKind.Aes:
                return material.Length == spec.Size ? material.ToArray() : null;
            case KeyMaterialKind.Hmac:
                int max = spec.Size <= 32 ? 64 : 128;
                return material.Length >= spec.Size && material.Length <= max ? material.ToArray() : null;
            case KeyMaterialKind.Rsa:
                using (var rsa = RSA.Create())
                {
                    if (!TryImportPkcs8(rsa, material) || rsa.KeySize != spec.Size) return null;
                    return rsa.ExportPkcs8PrivateKey();
                }
            case KeyMaterialKind.Ecc:
                using (var ecdsa = ECDsa.Create())
                {
                    if (!TryImportPkcs8(ecdsa, material) || ecdsa.ExportParameters(false).Curve.Oid?.Value != spec.CurveOid) return null;
                    return ecdsa.ExportPkcs8PrivateKey();
                }
            case KeyMaterialKind.Ed25519:
            case KeyMaterialKind.MLDsa:
            case KeyMaterialKind.MLKem:
                // The engine's own form (a state file's): the seed. KmsLab imports no such material (CreateKey refuses EXTERNAL for these specs).
                return material.Length == BouncyCastleKeys.SeedLength(spec.Kind) ? material.ToArray() : null;
            default:
                return null;
        }
    }

    public void Dispose()
    {
        _aes?.Dispose();
        _keyPair?.Dispose();
        _ecdh?.Dispose();
        CryptographicOperations.ZeroMemory(_secret);
    }

    private static bool TryImportPkcs8(AsymmetricAlgorithm key, ReadOnlySpan<byte> der)
    {
        try
        {
            key.ImportPkcs8PrivateKey(der, out int read);
            return read == der.Length;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static T ImportPkcs8<T>(T key, ReadOnlySpan<byte> der) where T : AsymmetricAlgorithm
    {
        key.ImportPkcs8PrivateKey(der, out _);
        return key;
    }

    private InvalidOperationException WrongKind(KeyMaterialKind wanted) => new($"This is {Kind} key material, not {wanted}.");
}

/// <summary>
/// Where key pairs come from: the platform's generator. Generating an RSA_4096 pair takes about a
/// second, so tests may substitute a source of pre-generated pairs (as they fix the clock).
/// </summary>
internal class KeyPairFactory
{
    public static readonly KeyPairFactory Platform = new();

    public virtual RSA CreateRsa(int keySizeInBits) => RSA.Create(keySizeInBits);

    public virtual ECDsa CreateEcdsa(ECCurve curve) => ECDsa.Create(curve);
}
