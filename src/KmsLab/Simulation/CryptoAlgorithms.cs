using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>How a signing algorithm signs: with the platform (RSA, ECDSA) or with BouncyCastle (<see cref="BouncyCastleKeys"/>).</summary>
internal enum SignatureScheme
{
    /// <summary>RSA or ECDSA over the hash of the message (or the given DIGEST).</summary>
    HashThenSign,

    /// <summary>PureEdDSA Ed25519 (RFC 8032) over the RAW message.</summary>
    Ed25519,

    /// <summary>HashEdDSA Ed25519ph (RFC 8032 §5.1, FIPS 186-5 §7.8.1) over the given DIGEST, which it hashes again.</summary>
    Ed25519ph,

    /// <summary>Pure ML-DSA (FIPS 204) over the RAW message, or over an EXTERNAL_MU representative.</summary>
    MLDsa,
}

/// <summary>A signing algorithm of the service model and how the simulator performs it.</summary>
/// <param name="Name">As on the wire, e.g. <c>RSASSA_PSS_SHA_256</c>.</param>
/// <param name="Hash">The hash the algorithm applies to RAW messages (and whose length a DIGEST must have).</param>
/// <param name="RsaPadding">PKCS#1 v1.5 or PSS for RSA algorithms (.NET's PSS uses salt length = hash length, as KMS does); null for ECDSA.</param>
/// <param name="Scheme">Which signature scheme performs it.</param>
internal sealed record SigningAlgorithm(string Name, HashAlgorithmName Hash, RSASignaturePadding? RsaPadding, SignatureScheme Scheme = SignatureScheme.HashThenSign)
{
    /// <summary>The length of EXTERNAL_MU messages: ML-DSA's message representative μ (FIPS 204 §6.2).</summary>
    public const int MuLength = 64;

    /// <summary>Every value of the model's <c>SigningAlgorithmSpec</c> enum, in the model's order.</summary>
    public static readonly IReadOnlyList<string> AllNames =
        ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512", "ED25519_PH_SHA_512"];

    /// <summary>The model's <c>MessageType</c> enum.</summary>
    public static readonly IReadOnlyList<string> MessageTypes = ["RAW", "DIGEST", "EXTERNAL_MU"];

    private static readonly Dictionary<string, SigningAlgorithm> Simulated = new SigningAlgorithm[]
    {
        new("RSASSA_PSS_SHA_256", HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        new("RSASSA_PSS_SHA_384", HashAlgorithmName.SHA384, RSASignaturePadding.Pss),
        new("RSASSA_PSS_SHA_512", HashAlgorithmName.SHA512, RSASignaturePadding.Pss),
        new("RSASSA_PKCS1_V1_5_SHA_256", HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        new("RSASSA_PKCS1_V1_5_SHA_384", HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
        new("RSASSA_PKCS1_V1_5_SHA_512", HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
        new("ECDSA_SHA_256", HashAlgorithmName.SHA256, null),
        new("ECDSA_SHA_384", HashAlgorithmName.SHA384, null),
        new("ECDSA_SHA_512", HashAlgorithmName.SHA512, null),
        new("ML_DSA_SHAKE_256", default, null, SignatureScheme.MLDsa),
        new("ED25519_SHA_512", HashAlgorithmName.SHA512, null, SignatureScheme.Ed25519),
        new("ED25519_PH_SHA_512", HashAlgorithmName.SHA512, null, SignatureScheme.Ed25519ph),
    }.ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>The algorithm, if KmsLab can perform it (every one that a simulated key spec lists).</summary>
    public static SigningAlgorithm? Find(string name) => Simulated.GetValueOrDefault(name);

    public int HashLength => Hash.Name switch { "SHA256" => 32, "SHA384" => 48, "SHA512" => 64, _ => throw new InvalidOperationException(Hash.Name) };

    public byte[] HashData(ReadOnlySpan<byte> message) => Hash.Name switch
    {
        "SHA256" => SHA256.HashData(message),
        "SHA384" => SHA384.HashData(message),
        "SHA512" => SHA512.HashData(message),
        _ => throw new InvalidOperationException(Hash.Name),
    };
}

/// <summary>The HMAC algorithms of GenerateMac and VerifyMac (RFC 2104).</summary>
internal static class MacAlgorithms
{
    /// <summary>The model's <c>MacAlgorithmSpec</c> enum.</summary>
    public static readonly IReadOnlyList<string> AllNames = ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"];

    /// <summary>HMAC of <paramref name="message"/> under <paramref name="key"/>. .NET has no SHA-224, so HMAC_SHA_224 uses <see cref="Sha224"/>.</summary>
    public static byte[] Compute(string algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message) => algorithm switch
    {
        "HMAC_SHA_224" => Sha224.Hmac(key, message),
        "HMAC_SHA_256" => HMACSHA256.HashData(key, message),
        "HMAC_SHA_384" => HMACSHA384.HashData(key, message),
        "HMAC_SHA_512" => HMACSHA512.HashData(key, message),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not an HMAC algorithm."),
    };
}

/// <summary>The encryption algorithms of Encrypt, Decrypt and ReEncrypt.</summary>
internal static class EncryptionAlgorithms
{
    public const string SymmetricDefault = "SYMMETRIC_DEFAULT";

    /// <summary>The model's <c>EncryptionAlgorithmSpec</c> enum.</summary>
    public static readonly IReadOnlyList<string> AllNames = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"];

    public static RSAEncryptionPadding RsaPadding(string algorithm) => algorithm switch
    {
        "RSAES_OAEP_SHA_1" => RSAEncryptionPadding.OaepSHA1,
        "RSAES_OAEP_SHA_256" => RSAEncryptionPadding.OaepSHA256,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not an RSA encryption algorithm."),
    };

    /// <summary>
    /// The largest plaintext RSAES-OAEP can carry (RFC 8017 §7.1.1: k − 2·hLen − 2): for RSA_2048
    /// 214 bytes with SHA-1 and 190 with SHA-256; 342/318 for RSA_3072; 470/446 for RSA_4096.
    /// </summary>
    public static int MaxRsaPlaintext(int modulusBytes, string algorithm) => modulusBytes - 2 * (algorithm == "RSAES_OAEP_SHA_1" ? 20 : 32) - 2;
}

/// <summary>The wrapping algorithms and wrapping-key specs of GetParametersForImport.</summary>
internal static class WrappingAlgorithms
{
    /// <summary>The model's <c>AlgorithmSpec</c> enum.</summary>
    public static readonly IReadOnlyList<string> AllNames = ["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"];

    /// <summary>The model's <c>WrappingKeySpec</c> enum.</summary>
    public static readonly IReadOnlyList<string> AllKeySpecs = ["RSA_2048", "RSA_3072", "RSA_4096", "SM2"];

    /// <summary>The algorithms KMS accepts outside China Regions (RSAES_PKCS1_V1_5 was withdrawn on 10 October 2023).</summary>
    public static readonly IReadOnlyList<string> Supported = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"];

    public static bool IsRsaAesKeyWrap(string algorithm) => algorithm.StartsWith("RSA_AES_KEY_WRAP_", StringComparison.Ordinal);

    /// <summary>The OAEP padding that protects the key material (RSAES_*) or the ephemeral AES key (RSA_AES_KEY_WRAP_*).</summary>
    public static RSAEncryptionPadding OaepPadding(string algorithm) =>
        algorithm.EndsWith("SHA_1", StringComparison.Ordinal) ? RSAEncryptionPadding.OaepSHA1 : RSAEncryptionPadding.OaepSHA256;

    /// <summary>
    /// Unwraps <paramref name="encrypted"/> with the wrapping private key: RSAES-OAEP directly, or
    /// for RSA_AES_KEY_WRAP an RSAES-OAEP-encrypted AES key (the first modulus-length bytes)
    /// followed by the material wrapped under it with AES key wrap with padding (RFC 5649).
    /// Null when it does not unwrap: KMS then answers InvalidCiphertextException.
    /// </summary>
    public static byte[]? Unwrap(string algorithm, RSA wrappingKey, ReadOnlySpan<byte> encrypted)
    {
        int k = wrappingKey.KeySize / 8;
        var padding = OaepPadding(algorithm);
        if (!IsRsaAesKeyWrap(algorithm))
        {
            return encrypted.Length == k ? TryRsaDecrypt(wrappingKey, encrypted, padding) : null;
        }
        if (encrypted.Length < k + 16) return null;
        var aesKey = TryRsaDecrypt(wrappingKey, encrypted[..k], padding);
        if (aesKey is null) return null;
        try
        {
            return aesKey.Length is 16 or 24 or 32 ? AesKeyWrap.UnwrapWithPadding(aesKey, encrypted[k..]) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(aesKey);
        }
    }

    private static byte[]? TryRsaDecrypt(RSA key, ReadOnlySpan<byte> ciphertext, RSAEncryptionPadding padding)
    {
        try
        {
            return key.Decrypt(ciphertext.ToArray(), padding);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
