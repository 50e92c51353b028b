using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>What kind of secret a key spec's material is, and so how the engine holds and uses it.</summary>
internal enum KeyMaterialKind
{
    /// <summary>A 256-bit AES-GCM key (SYMMETRIC_DEFAULT).</summary>
    Aes,

    /// <summary>An HMAC secret (HMAC_224 ... HMAC_512).</summary>
    Hmac,

    /// <summary>An RSA key pair, held as a PKCS#8 private key.</summary>
    Rsa,

    /// <summary>An elliptic-curve key pair (ECDSA), held as a PKCS#8 private key.</summary>
    Ecc,

    /// <summary>An Ed25519 key pair (ECC_NIST_EDWARDS25519), held as its 32-byte private key (BouncyCastle).</summary>
    Ed25519,

    /// <summary>An ML-DSA key pair (FIPS 204), held as its 32-byte seed (BouncyCastle).</summary>
    MLDsa,

    /// <summary>An ML-KEM key pair (FIPS 203), held as its 64-byte seed (BouncyCastle).</summary>
    MLKem,

    /// <summary>A spec KMS knows but KmsLab does not simulate (SM2).</summary>
    NotSimulated,
}

/// <summary>
/// What a key spec allows: its key usages and, per usage, the algorithms KeyMetadata lists.
/// The catalogue is the table in the KMS developer guide ("Key spec reference").
/// </summary>
/// <param name="Name">The spec as on the wire, e.g. <c>RSA_2048</c>.</param>
/// <param name="Usages">The key usages CreateKey accepts with this spec.</param>
/// <param name="Kind">The kind of material; <see cref="KeyMaterialKind.NotSimulated"/> for specs KmsLab refuses.</param>
/// <param name="Size">RSA modulus bits; HMAC key bytes KMS generates; AES key bytes; ECC field bits.</param>
/// <param name="CurveOid">The named curve of ECC specs.</param>
internal sealed record KeySpecInfo(string Name, IReadOnlyList<string> Usages, KeyMaterialKind Kind, int Size = 0, string? CurveOid = null)
{
    public const string SymmetricDefault = "SYMMETRIC_DEFAULT";

    public static readonly IReadOnlyList<string> AllKeySpecs =
        ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"];

    public static readonly IReadOnlyList<string> CustomerMasterKeySpecs =
        ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2"];

    public static readonly IReadOnlyList<string> AllKeyUsages = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT", "ENCAPSULATE_DECAPSULATE"];

    public const string P256Oid = "1.2.840.10045.3.1.7";
    public const string P384Oid = "1.3.132.0.34";
    public const string P521Oid = "1.3.132.0.35";
    public const string Secp256k1Oid = "1.3.132.0.10";

    private static readonly Dictionary<string, KeySpecInfo> Catalogue = new KeySpecInfo[]
    {
        new(SymmetricDefault, ["ENCRYPT_DECRYPT"], KeyMaterialKind.Aes, 32),
        new("RSA_2048", ["ENCRYPT_DECRYPT", "SIGN_VERIFY"], KeyMaterialKind.Rsa, 2048),
        new("RSA_3072", ["ENCRYPT_DECRYPT", "SIGN_VERIFY"], KeyMaterialKind.Rsa, 3072),
        new("RSA_4096", ["ENCRYPT_DECRYPT", "SIGN_VERIFY"], KeyMaterialKind.Rsa, 4096),
        new("ECC_NIST_P256", ["SIGN_VERIFY", "KEY_AGREEMENT"], KeyMaterialKind.Ecc, 256, P256Oid),
        new("ECC_NIST_P384", ["SIGN_VERIFY", "KEY_AGREEMENT"], KeyMaterialKind.Ecc, 384, P384Oid),
        new("ECC_NIST_P521", ["SIGN_VERIFY", "KEY_AGREEMENT"], KeyMaterialKind.Ecc, 521, P521Oid),
        new("ECC_SECG_P256K1", ["SIGN_VERIFY"], KeyMaterialKind.Ecc, 256, Secp256k1Oid),
        new("ECC_NIST_EDWARDS25519", ["SIGN_VERIFY"], KeyMaterialKind.Ed25519),
        new("HMAC_224", ["GENERATE_VERIFY_MAC"], KeyMaterialKind.Hmac, 28),
        new("HMAC_256", ["GENERATE_VERIFY_MAC"], KeyMaterialKind.Hmac, 32),
        new("HMAC_384", ["GENERATE_VERIFY_MAC"], KeyMaterialKind.Hmac, 48),
        new("HMAC_512", ["GENERATE_VERIFY_MAC"], KeyMaterialKind.Hmac, 64),
        new("SM2", ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"], KeyMaterialKind.NotSimulated),
        new("ML_DSA_44", ["SIGN_VERIFY"], KeyMaterialKind.MLDsa),
        new("ML_DSA_65", ["SIGN_VERIFY"], KeyMaterialKind.MLDsa),
        new("ML_DSA_87", ["SIGN_VERIFY"], KeyMaterialKind.MLDsa),
        new("ML_KEM_512", ["ENCAPSULATE_DECAPSULATE"], KeyMaterialKind.MLKem),
        new("ML_KEM_768", ["ENCAPSULATE_DECAPSULATE"], KeyMaterialKind.MLKem),
        new("ML_KEM_1024", ["ENCAPSULATE_DECAPSULATE"], KeyMaterialKind.MLKem),
    }.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static KeySpecInfo Symmetric => Catalogue[SymmetricDefault];

    public static KeySpecInfo Get(string name) => Catalogue[name];

    public bool IsSymmetric => Name == SymmetricDefault;

    /// <summary>The key pairs whose public half GetPublicKey returns: RSA, ECC, Ed25519, ML-DSA, ML-KEM.</summary>
    public bool IsAsymmetric => Kind is KeyMaterialKind.Rsa or KeyMaterialKind.Ecc or KeyMaterialKind.Ed25519 or KeyMaterialKind.MLDsa or KeyMaterialKind.MLKem;

    /// <summary>Key pairs held by BouncyCastle (<see cref="BouncyCastleKeys"/>) rather than by the platform.</summary>
    public bool IsBouncyCastle => Kind is KeyMaterialKind.Ed25519 or KeyMaterialKind.MLDsa or KeyMaterialKind.MLKem;

    /// <summary>Whether KmsLab simulates keys of this spec (all but SM2).</summary>
    public bool IsSimulated => Kind != KeyMaterialKind.NotSimulated;

    /// <summary>The size of an RSA key's modulus (and of its ciphertexts and signatures), in bytes.</summary>
    public int RsaModulusBytes => Kind == KeyMaterialKind.Rsa ? Size / 8 : throw new InvalidOperationException($"{Name} is not an RSA spec.");

    public ECCurve Curve => Kind == KeyMaterialKind.Ecc ? ECCurve.CreateFromValue(CurveOid!) : throw new InvalidOperationException($"{Name} is not an ECC spec.");

    // Shared, not made per call: every Encrypt checks its algorithm against these.
    private static readonly string[] SymmetricEncryption = ["SYMMETRIC_DEFAULT"];
    private static readonly string[] RsaEncryption = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"];
    private static readonly string[] Sm2Encryption = ["SM2PKE"];

    public IReadOnlyList<string> EncryptionAlgorithms(string usage) => usage != "ENCRYPT_DECRYPT" ? [] : Name switch
    {
        SymmetricDefault => SymmetricEncryption,
        _ when Kind == KeyMaterialKind.Rsa => RsaEncryption,
        "SM2" => Sm2Encryption,
        _ => [],
    };

    /// <summary>KeyMetadata's SigningAlgorithms, in the order KMS lists them.</summary>
    public IReadOnlyList<string> SigningAlgorithms(string usage) => usage != "SIGN_VERIFY" ? [] : Name switch
    {
        _ when Kind == KeyMaterialKind.Rsa => ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"],
        "ECC_NIST_P256" or "ECC_SECG_P256K1" => ["ECDSA_SHA_256"],
        "ECC_NIST_P384" => ["ECDSA_SHA_384"],
        "ECC_NIST_P521" => ["ECDSA_SHA_512"],
        "SM2" => ["SM2DSA"],
        "ML_DSA_44" or "ML_DSA_65" or "ML_DSA_87" => ["ML_DSA_SHAKE_256"],
        "ECC_NIST_EDWARDS25519" => ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
        _ => [],
    };

    private static readonly string[] Ecdh = ["ECDH"];
    private static readonly string[] MLKemAlgorithms = ["ML_KEM"];

    /// <summary>KeyMetadata's KeyAgreementAlgorithms: ECDH for NIST-curve keys with KEY_AGREEMENT.</summary>
    public IReadOnlyList<string> KeyAgreementAlgorithms(string usage) => usage == "KEY_AGREEMENT" && Kind == KeyMaterialKind.Ecc ? Ecdh : [];

    /// <summary>KeyMetadata's EncapsulationAlgorithms: ML_KEM for ML-KEM keys.</summary>
    public IReadOnlyList<string> EncapsulationAlgorithms(string usage) => usage == "ENCAPSULATE_DECAPSULATE" && Kind == KeyMaterialKind.MLKem ? MLKemAlgorithms : [];

    public IReadOnlyList<string> MacAlgorithms(string usage) => usage != "GENERATE_VERIFY_MAC" || Kind != KeyMaterialKind.Hmac ? [] : ["HMAC_SHA_" + Name[5..]];
}
