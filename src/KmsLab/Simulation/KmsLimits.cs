namespace KmsLab.Simulation;

/// <summary>
/// The numbers that bound KMS's behaviour, as the engine uses them. Those the course states are read
/// from <see cref="KmsFacts"/> (one value, one place; a test checks each against the simulator); the
/// rest are limits no lesson names (see the KMS developer guide's quotas and the API reference).
/// </summary>
internal static class KmsLimits
{
    public const int MaxSymmetricPlaintext = KmsFacts.MaxEncryptPlaintextBytes;
    public const int MaxMessage = KmsFacts.MaxSignMessageBytes;
    public const int MaxSignature = 6144;
    public const int MaxImportToken = 6144;
    public const int MaxEncryptedKeyMaterial = 6144;
    public const int MaxKeyMaterialDescription = 256;
    public static readonly TimeSpan ImportParametersLifetime = TimeSpan.FromHours(KmsFacts.ImportParametersValidHours);
    public static readonly TimeSpan MaxImportedMaterialValidity = TimeSpan.FromDays(365);
    public const int MaxCiphertextBlob = KmsFacts.MaxCiphertextBlobBytes;
    public const int MaxDataKeyBytes = KmsFacts.MaxDataKeyBytes;
    public const int MaxRandomBytes = KmsFacts.MaxRandomBytes;
    public const int MinPendingWindowInDays = KmsFacts.MinPendingWindowInDays;
    public const int MaxPendingWindowInDays = KmsFacts.MaxPendingWindowInDays;
    public const int DefaultPendingWindowInDays = KmsFacts.DefaultPendingWindowInDays;
    public const int MinRotationPeriodInDays = KmsFacts.MinRotationPeriodInDays;
    public const int MaxRotationPeriodInDays = KmsFacts.MaxRotationPeriodInDays;
    public const int DefaultRotationPeriodInDays = KmsFacts.DefaultRotationPeriodInDays;
    public const int MaxOnDemandRotations = KmsFacts.MaxOnDemandRotationsPerKey;
    public const int MaxAliasesPerKey = KmsFacts.MaxAliasesPerKey;
    public const int MaxAliasNameLength = KmsFacts.MaxAliasNameCharacters;
    public const int MaxTagsPerKey = KmsFacts.MaxTagsPerKey;
    public const int MaxGrantTokens = KmsFacts.MaxGrantTokensPerRequest;
    public const int MaxDescriptionLength = KmsFacts.MaxDescriptionCharacters;
    public const int MaxPolicyLength = KmsFacts.MaxKeyPolicyCharacters;
    public const int DefaultListLimit = 100;
    public const int MaxListLimit = 1000;
    public const int DefaultTagListLimit = 50;
    public const int MaxGrantsPerKey = KmsFacts.MaxGrantsPerKey;
    public const int Aes256DataKeyBytes = KmsFacts.Aes256DataKeyBytes;
    public const int Aes128DataKeyBytes = KmsFacts.Aes128DataKeyBytes;
}
