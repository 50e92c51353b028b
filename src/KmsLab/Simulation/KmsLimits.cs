namespace KmsLab.Simulation;

/// <summary>The numbers that bound KMS's behaviour (see the KMS developer guide's quotas and the API reference).</summary>
internal static class KmsLimits
{
    public const int MaxSymmetricPlaintext = 4096;
    public const int MaxMessage = 4096;
    public const int MaxSignature = 6144;
    public const int MaxImportToken = 6144;
    public const int MaxEncryptedKeyMaterial = 6144;
    public const int MaxKeyMaterialDescription = 256;
    public static readonly TimeSpan ImportParametersLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxImportedMaterialValidity = TimeSpan.FromDays(365);
    public const int MaxCiphertextBlob = 6144;
    public const int MaxDataKeyBytes = 1024;
    public const int MaxRandomBytes = 1024;
    public const int MinPendingWindowInDays = 7;
    public const int MaxPendingWindowInDays = 30;
    public const int DefaultPendingWindowInDays = 30;
    public const int MinRotationPeriodInDays = 90;
    public const int MaxRotationPeriodInDays = 2560;
    public const int DefaultRotationPeriodInDays = 365;
    public const int MaxOnDemandRotations = 25;
    public const int MaxAliasesPerKey = 50;
    public const int MaxAliasNameLength = 256;
    public const int MaxTagsPerKey = 50;
    public const int MaxGrantTokens = 10;
    public const int MaxDescriptionLength = 8192;
    public const int MaxPolicyLength = 32768;
    public const int DefaultListLimit = 100;
    public const int MaxListLimit = 1000;
    public const int DefaultTagListLimit = 50;
}
