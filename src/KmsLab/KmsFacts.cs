using System.Reflection;

namespace KmsLab;

/// <summary>
/// Every number the course states about KMS, in one place: limits, windows, periods, quotas and
/// prices, each with its unit, meaning and source. The simulator enforces the limits and quotas by
/// reading these constants, the lessons and the exam sheet show them from here, and tests hold each
/// enforced value against the simulator and the lessons' prose against the table.
/// </summary>
/// <remarks>
/// Real KMS is the specification: the sources are the KMS API Reference (whose numbers the SDK's
/// service model repeats as member constraints), the Developer Guide's quota pages and the AWS KMS
/// pricing page. Prices are those of US East (N. Virginia) as read on the date in
/// <see cref="Sources.Pricing"/>; they change, and the pricing page is the authority.
/// </remarks>
public static class KmsFacts
{
    /// <summary>Where the facts come from.</summary>
    public static class Sources
    {
        /// <summary>The KMS API Reference (each operation's parameters and their constraints).</summary>
        public const string ApiReference = "KMS API Reference, https://docs.aws.amazon.com/kms/latest/APIReference/";

        /// <summary>The Developer Guide's request quotas.</summary>
        public const string RequestQuotas = "KMS Developer Guide, Request quotas, https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html";

        /// <summary>The Developer Guide's resource quotas.</summary>
        public const string ResourceQuotas = "KMS Developer Guide, Resource quotas, https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html";

        /// <summary>The pricing page, with the date it was read.</summary>
        public const string Pricing = "AWS KMS pricing, https://aws.amazon.com/kms/pricing/ (US East, read 2026-12-03)";

        /// <summary>RSA OAEP's bound: a k-byte modulus takes k − 2·hLen − 2 bytes (RFC 8017 §7.1.1), as the API Reference's Encrypt table lists.</summary>
        public const string RsaOaep = "KMS API Reference, Encrypt (RSA key specs table); RFC 8017 §7.1.1: k − 2·hLen − 2 bytes";
    }

    // Limits of one request.

    /// <summary>The most plaintext <c>Encrypt</c> takes under a symmetric key (4097 bytes: <c>ValidationException</c>).</summary>
    [KmsFact("bytes", "the most plaintext Encrypt takes under a symmetric key (one more: ValidationException)", Sources.ApiReference + "API_Encrypt.html", Lessons = "03", Enforced = true)]
    public const int MaxEncryptPlaintextBytes = 4096;

    /// <summary>The largest ciphertext blob <c>Decrypt</c> and <c>ReEncrypt</c> accept.</summary>
    [KmsFact("bytes", "the largest CiphertextBlob Decrypt and ReEncrypt accept", Sources.ApiReference + "API_Decrypt.html", Enforced = true)]
    public const int MaxCiphertextBlobBytes = 6144;

    /// <summary>The largest <c>RAW</c> message <c>Sign</c>, <c>Verify</c> and <c>GenerateMac</c> take; sign a digest for more.</summary>
    [KmsFact("bytes", "the largest RAW message Sign, Verify and GenerateMac take (sign a digest for more)", Sources.ApiReference + "API_Sign.html", Lessons = "07", Enforced = true)]
    public const int MaxSignMessageBytes = 4096;

    /// <summary>The most plaintext <c>Encrypt</c> takes under an RSA_2048 key with RSAES_OAEP_SHA_256.</summary>
    [KmsFact("bytes", "the most plaintext Encrypt takes under an RSA_2048 key with RSAES_OAEP_SHA_256", Sources.RsaOaep, Lessons = "07", Enforced = true)]
    public const int MaxRsa2048OaepSha256PlaintextBytes = 190;

    /// <summary>The most plaintext <c>Encrypt</c> takes under an RSA_2048 key with RSAES_OAEP_SHA_1.</summary>
    [KmsFact("bytes", "the most plaintext Encrypt takes under an RSA_2048 key with RSAES_OAEP_SHA_1", Sources.RsaOaep, Enforced = true)]
    public const int MaxRsa2048OaepSha1PlaintextBytes = 214;

    /// <summary>The size of an <c>AES_256</c> data key from <c>GenerateDataKey</c>.</summary>
    [KmsFact("bytes", "the plaintext data key GenerateDataKey returns for KeySpec AES_256", Sources.ApiReference + "API_GenerateDataKey.html", Lessons = "04", Enforced = true)]
    public const int Aes256DataKeyBytes = 32;

    /// <summary>How long DynamoDB keeps a table's plaintext table key for a caller after its last use, before it asks KMS to decrypt it again.</summary>
    [KmsFact("minutes", "how long DynamoDB keeps a table key it decrypted, after its last use, before asking KMS again",
        "Amazon DynamoDB Developer Guide, Encryption at rest usage notes (\"after five minutes of inactivity\")", Lessons = "16", Enforced = true)]
    public const int DynamoDbTableKeyCacheMinutes = 5;

    /// <summary>The size of an <c>AES_128</c> data key from <c>GenerateDataKey</c>.</summary>
    [KmsFact("bytes", "the plaintext data key GenerateDataKey returns for KeySpec AES_128", Sources.ApiReference + "API_GenerateDataKey.html", Enforced = true)]
    public const int Aes128DataKeyBytes = 16;

    /// <summary>
    /// The size of real KMS's CiphertextBlob for an <c>AES_256</c> data key: a 58-byte header and a 126-byte
    /// CMS frame (AES-256-GCM, its IV, 11 + 32 bytes of ciphertext, the tag). The AWS CLI's generate-data-key
    /// example shows the frame (in KMS's older, 167-byte layout, whose header is 17 bytes shorter); its
    /// generate-data-key-pair example shows the current header. The simulator's blobs have this layout.
    /// </summary>
    [KmsFact("bytes", "the CiphertextBlob of a 32-byte AES_256 data key (a 58-byte header and a 126-byte CMS frame)",
        "AWS CLI Command Reference, kms generate-data-key, Example 1 (the frame) and kms generate-data-key-pair (the current header)", Lessons = "03", Enforced = true)]
    public const int Aes256DataKeyCiphertextBlobBytes = 184;

    /// <summary>The largest <c>NumberOfBytes</c> <c>GenerateDataKey</c> takes (the smallest is 1).</summary>
    [KmsFact("bytes", "the largest NumberOfBytes GenerateDataKey takes (the smallest is 1)", Sources.ApiReference + "API_GenerateDataKey.html", Enforced = true)]
    public const int MaxDataKeyBytes = 1024;

    /// <summary>The largest <c>NumberOfBytes</c> <c>GenerateRandom</c> takes (the smallest is 1).</summary>
    [KmsFact("bytes", "the largest NumberOfBytes GenerateRandom takes (the smallest is 1)", Sources.ApiReference + "API_GenerateRandom.html", Enforced = true)]
    public const int MaxRandomBytes = 1024;

    /// <summary>The most grant tokens one request may carry.</summary>
    [KmsFact("tokens", "the most grant tokens one request may carry", Sources.ApiReference + "API_Encrypt.html", Enforced = true)]
    public const int MaxGrantTokensPerRequest = 10;

    /// <summary>The longest key description.</summary>
    [KmsFact("characters", "the longest description a key may have", Sources.ApiReference + "API_CreateKey.html", Enforced = true)]
    public const int MaxDescriptionCharacters = 8192;

    /// <summary>The longest alias name, <c>alias/</c> included.</summary>
    [KmsFact("characters", "the longest alias name, alias/ included", Sources.ApiReference + "API_CreateAlias.html", Enforced = true)]
    public const int MaxAliasNameCharacters = 256;

    /// <summary>The largest key policy document.</summary>
    [KmsFact("characters", "the largest key policy document (32 KB)", Sources.ResourceQuotas, Enforced = true)]
    public const int MaxKeyPolicyCharacters = 32768;

    // Windows and periods.

    /// <summary>The shortest waiting period <c>ScheduleKeyDeletion</c> accepts.</summary>
    [KmsFact("days", "the shortest waiting period ScheduleKeyDeletion accepts", Sources.ApiReference + "API_ScheduleKeyDeletion.html", Lessons = "06", Enforced = true)]
    public const int MinPendingWindowInDays = 7;

    /// <summary>The longest waiting period <c>ScheduleKeyDeletion</c> accepts.</summary>
    [KmsFact("days", "the longest waiting period ScheduleKeyDeletion accepts", Sources.ApiReference + "API_ScheduleKeyDeletion.html", Lessons = "06", Enforced = true)]
    public const int MaxPendingWindowInDays = 30;

    /// <summary>The waiting period when <c>ScheduleKeyDeletion</c> is given none.</summary>
    [KmsFact("days", "the waiting period when ScheduleKeyDeletion is given none", Sources.ApiReference + "API_ScheduleKeyDeletion.html", Lessons = "06", Enforced = true)]
    public const int DefaultPendingWindowInDays = 30;

    /// <summary>
    /// How long a CloudHSM key store takes to connect, at most: <c>ConnectCustomKeyStore</c> returns
    /// at once and the store is <c>CONNECTING</c> meanwhile. The simulator takes all of it, in lab time.
    /// </summary>
    [KmsFact("minutes", "the longest a CloudHSM key store takes to connect (CONNECTING meanwhile)",
        Sources.ApiReference + "API_ConnectCustomKeyStore.html (until 2022 it said \"up to 20 minutes\"; now \"an extended amount of time\")", Enforced = true)]
    public const int CloudHsmConnectionMinutes = 20;

    /// <summary>The shortest automatic rotation period <c>EnableKeyRotation</c> accepts.</summary>
    [KmsFact("days", "the shortest automatic rotation period EnableKeyRotation accepts", Sources.ApiReference + "API_EnableKeyRotation.html", Lessons = "05", Enforced = true)]
    public const int MinRotationPeriodInDays = 90;

    /// <summary>The longest automatic rotation period <c>EnableKeyRotation</c> accepts.</summary>
    [KmsFact("days", "the longest automatic rotation period EnableKeyRotation accepts", Sources.ApiReference + "API_EnableKeyRotation.html", Lessons = "05", Enforced = true)]
    public const int MaxRotationPeriodInDays = 2560;

    /// <summary>The rotation period when <c>EnableKeyRotation</c> is given none.</summary>
    [KmsFact("days", "the rotation period when EnableKeyRotation is given none", Sources.ApiReference + "API_EnableKeyRotation.html", Lessons = "05", Enforced = true)]
    public const int DefaultRotationPeriodInDays = 365;

    /// <summary>How many times <c>RotateKeyOnDemand</c> may rotate one key, ever.</summary>
    [KmsFact("rotations", "how many times RotateKeyOnDemand may rotate one key, ever (then LimitExceededException)", Sources.ApiReference + "API_RotateKeyOnDemand.html", Lessons = "05", Enforced = true)]
    public const int MaxOnDemandRotationsPerKey = 25;

    /// <summary>How long the wrapping key and import token of <c>GetParametersForImport</c> stay valid.</summary>
    [KmsFact("hours", "how long GetParametersForImport's wrapping key and import token stay valid", Sources.ApiReference + "API_GetParametersForImport.html", Lessons = "07", Enforced = true)]
    public const int ImportParametersValidHours = 24;

    // Resource quotas.

    /// <summary>The most aliases one key may have.</summary>
    [KmsFact("aliases", "the most aliases one key may have", Sources.ResourceQuotas, Enforced = true)]
    public const int MaxAliasesPerKey = 50;

    /// <summary>The most tags one key may have.</summary>
    [KmsFact("tags", "the most tags one key may have", Sources.ResourceQuotas, Enforced = true)]
    public const int MaxTagsPerKey = 50;

    /// <summary>The most grants one key may have.</summary>
    [KmsFact("grants", "the most grants one key may have", Sources.ResourceQuotas, Enforced = true)]
    public const int MaxGrantsPerKey = 50_000;

    /// <summary>The most customer managed keys an account may have in one Region (not simulated).</summary>
    [KmsFact("keys", "the most KMS keys an account may have in one Region (not simulated)", Sources.ResourceQuotas)]
    public const int MaxKeysPerRegion = 100_000;

    // Request quotas (per account and Region, per second) that the simulator enforces when LabOptions.RequestQuotas is set.

    /// <summary>The shared per-second quota of symmetric cryptographic operations in most Regions (10,000 or 50,000+ in larger ones).</summary>
    [KmsFact("requests/s", "the shared per-second quota of symmetric cryptographic operations (5,500, 10,000 or 50,000+ by Region)", Sources.RequestQuotas, Enforced = true)]
    public const int SymmetricCryptographicRequestsPerSecond = 5_500;

    /// <summary>The shared per-second quota of RSA operations (ECC operations have their own, also 1,000; the simulator shares one).</summary>
    [KmsFact("requests/s", "the shared per-second quota of RSA operations (ECC has its own 1,000; the simulator counts both together)", Sources.RequestQuotas, Enforced = true)]
    public const int AsymmetricRequestsPerSecond = 1_000;

    /// <summary>CreateKey per second.</summary>
    [KmsFact("requests/s", "CreateKey requests per second", Sources.RequestQuotas, Enforced = true)]
    public const int CreateKeyRequestsPerSecond = 5;

    /// <summary>CreateAlias per second.</summary>
    [KmsFact("requests/s", "CreateAlias requests per second", Sources.RequestQuotas, Enforced = true)]
    public const int CreateAliasRequestsPerSecond = 5;

    /// <summary>EnableKey and DisableKey per second (shared).</summary>
    [KmsFact("requests/s", "EnableKey and DisableKey requests per second (shared)", Sources.RequestQuotas, Enforced = true)]
    public const int EnableDisableKeyRequestsPerSecond = 5;

    /// <summary>EnableKeyRotation per second.</summary>
    [KmsFact("requests/s", "EnableKeyRotation requests per second", Sources.RequestQuotas, Enforced = true)]
    public const int EnableKeyRotationRequestsPerSecond = 15;

    /// <summary>PutKeyPolicy per second.</summary>
    [KmsFact("requests/s", "PutKeyPolicy requests per second", Sources.RequestQuotas, Enforced = true)]
    public const int PutKeyPolicyRequestsPerSecond = 15;

    /// <summary>DescribeKey per second.</summary>
    [KmsFact("requests/s", "DescribeKey requests per second", Sources.RequestQuotas, Enforced = true)]
    public const int DescribeKeyRequestsPerSecond = 2_000;

    /// <summary>ListKeys per second.</summary>
    [KmsFact("requests/s", "ListKeys requests per second", Sources.RequestQuotas, Enforced = true)]
    public const int ListKeysRequestsPerSecond = 500;

    // Prices (US dollars).

    /// <summary>A customer managed key, per month (prorated hourly; not billed while pending deletion).</summary>
    [KmsFact("per month", "a customer managed key, per month (prorated hourly; nothing while pending deletion; AWS managed keys are free)", Sources.Pricing)]
    public const decimal KeyPerMonthUsd = 1.00m;

    /// <summary>What each of a key's first <see cref="ChargedRotationsPerKey"/> rotations adds to its monthly price.</summary>
    [KmsFact("per month", "what each of a key's first two rotations adds to its monthly price", Sources.Pricing)]
    public const decimal RotationPerMonthUsd = 1.00m;

    /// <summary>How many rotations of a key are charged; later ones add nothing (since May 2024).</summary>
    [KmsFact("rotations", "how many rotations of a key add to its price; later ones are free (since May 2024)", Sources.Pricing)]
    public const int ChargedRotationsPerKey = 2;

    /// <summary>Free requests a month, across all Regions.</summary>
    [KmsFact("requests/month", "the free tier: requests a month, counted across all Regions", Sources.Pricing)]
    public const int FreeRequestsPerMonth = 20_000;

    /// <summary>Symmetric requests (and RSA 2048 ones), per 10,000.</summary>
    [KmsFact("per 10,000 requests", "symmetric requests (Encrypt, Decrypt, GenerateDataKey…) and requests with RSA_2048 keys", Sources.Pricing, Lessons = "04, 10")]
    public const decimal SymmetricRequestsPer10kUsd = 0.03m;

    /// <summary>Asymmetric requests except RSA 2048 (Sign, Verify, Encrypt… with RSA_3072/4096 or ECC keys), per 10,000.</summary>
    [KmsFact("per 10,000 requests", "asymmetric requests except those with RSA_2048 keys", Sources.Pricing)]
    public const decimal AsymmetricRequestsPer10kUsd = 0.15m;

    /// <summary>ECC <c>GenerateDataKeyPair</c> requests, per 10,000.</summary>
    [KmsFact("per 10,000 requests", "GenerateDataKeyPair requests for ECC key pairs", Sources.Pricing)]
    public const decimal EccDataKeyPairRequestsPer10kUsd = 0.10m;

    /// <summary>RSA <c>GenerateDataKeyPair</c> requests, per 10,000.</summary>
    [KmsFact("per 10,000 requests", "GenerateDataKeyPair requests for RSA key pairs", Sources.Pricing)]
    public const decimal RsaDataKeyPairRequestsPer10kUsd = 12.00m;

    // Exam bank (bank-b)

    /// <summary>The size of an ML_DSA_44 signature (ML-DSA-44, FIPS 204 Table 2).</summary>
    [KmsFact("bytes", "an ML_DSA_44 signature (FIPS 204; lesson 13 measures it)", "FIPS 204, Table 2 (ML-DSA-44 signature size); KMS Developer Guide, ML-DSA key specs")]
    public const int MlDsa44SignatureBytes = 2420;

    /// <summary>The size of an ML_DSA_65 signature (ML-DSA-65, FIPS 204 Table 2).</summary>
    [KmsFact("bytes", "an ML_DSA_65 signature (FIPS 204; lesson 13 measures it)", "FIPS 204, Table 2 (ML-DSA-65 signature size); KMS Developer Guide, ML-DSA key specs")]
    public const int MlDsa65SignatureBytes = 3309;

    /// <summary>The size of an ML_DSA_87 signature (ML-DSA-87, FIPS 204 Table 2).</summary>
    [KmsFact("bytes", "an ML_DSA_87 signature (FIPS 204; lesson 13 measures it)", "FIPS 204, Table 2 (ML-DSA-87 signature size); KMS Developer Guide, ML-DSA key specs")]
    public const int MlDsa87SignatureBytes = 4627;

    /// <summary>Every fact, in the order above.</summary>
    public static IReadOnlyList<KmsFact> All { get; } = typeof(KmsFacts)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsDefined(typeof(KmsFactAttribute)))
        .OrderBy(f => f.MetadataToken)
        .Select(f =>
        {
            var a = f.GetCustomAttribute<KmsFactAttribute>()!;
            return new KmsFact(f.Name, f.GetValue(null)!, a.Unit, a.Meaning, a.Source, a.Lessons, a.Enforced);
        })
        .ToList();

    /// <summary>The fact behind the constant <paramref name="name"/> (<c>nameof(KmsFacts.MaxEncryptPlaintextBytes)</c>).</summary>
    public static KmsFact Get(string name) =>
        All.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"KmsFacts has no fact named {name}.", nameof(name));
}
