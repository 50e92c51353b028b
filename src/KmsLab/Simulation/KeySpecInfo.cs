namespace KmsLab.Simulation;

/// <summary>
/// What a key spec allows: its key usages and, per usage, the algorithms KeyMetadata lists.
/// The catalogue is the table in the KMS developer guide ("Key spec reference").
/// </summary>
internal sealed record KeySpecInfo(string Name, IReadOnlyList<string> Usages, bool Simulated)
{
    public const string SymmetricDefault = "SYMMETRIC_DEFAULT";

    public static readonly IReadOnlyList<string> AllKeySpecs =
        ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519"];

    public static readonly IReadOnlyList<string> CustomerMasterKeySpecs =
        ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2"];

    public static readonly IReadOnlyList<string> AllKeyUsages = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];

    private static readonly Dictionary<string, KeySpecInfo> Catalogue = new KeySpecInfo[]
    {
        new(SymmetricDefault, ["ENCRYPT_DECRYPT"], Simulated: true),
        new("RSA_2048", ["ENCRYPT_DECRYPT", "SIGN_VERIFY"], false),
        new("RSA_3072", ["ENCRYPT_DECRYPT", "SIGN_VERIFY"], false),
        new("RSA_4096", ["ENCRYPT_DECRYPT", "SIGN_VERIFY"], false),
        new("ECC_NIST_P256", ["SIGN_VERIFY", "KEY_AGREEMENT"], false),
        new("ECC_NIST_P384", ["SIGN_VERIFY", "KEY_AGREEMENT"], false),
        new("ECC_NIST_P521", ["SIGN_VERIFY", "KEY_AGREEMENT"], false),
        new("ECC_SECG_P256K1", ["SIGN_VERIFY"], false),
        new("ECC_NIST_EDWARDS25519", ["SIGN_VERIFY"], false),
        new("HMAC_224", ["GENERATE_VERIFY_MAC"], false),
        new("HMAC_256", ["GENERATE_VERIFY_MAC"], false),
        new("HMAC_384", ["GENERATE_VERIFY_MAC"], false),
        new("HMAC_512", ["GENERATE_VERIFY_MAC"], false),
        new("SM2", ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"], false),
        new("ML_DSA_44", ["SIGN_VERIFY"], false),
        new("ML_DSA_65", ["SIGN_VERIFY"], false),
        new("ML_DSA_87", ["SIGN_VERIFY"], false),
    }.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static KeySpecInfo Symmetric => Catalogue[SymmetricDefault];

    public static KeySpecInfo Get(string name) => Catalogue[name];

    public bool IsSymmetric => Name == SymmetricDefault;

    public IReadOnlyList<string> EncryptionAlgorithms(string usage) => usage != "ENCRYPT_DECRYPT" ? [] : Name switch
    {
        SymmetricDefault => ["SYMMETRIC_DEFAULT"],
        _ when Name.StartsWith("RSA_", StringComparison.Ordinal) => ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        "SM2" => ["SM2PKE"],
        _ => [],
    };
}
