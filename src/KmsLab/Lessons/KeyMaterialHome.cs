namespace KmsLab.Lessons;

/// <summary>Where a KMS key's key material lives, and who keeps it (lesson 14).</summary>
public enum KeyMaterialHome
{
    /// <summary>A standard KMS key: KMS generates the material and keeps it in its own HSMs.</summary>
    KmsHsms,

    /// <summary>A KMS key with imported material (Origin EXTERNAL): you generate it, KMS keeps a copy, you keep the original and choose its expiry.</summary>
    ImportedIntoKms,

    /// <summary>A KMS key in a CloudHSM key store (Origin AWS_CLOUDHSM): the key lives in a CloudHSM cluster you own, in AWS.</summary>
    CloudHsmKeyStore,

    /// <summary>A KMS key in an external key store (Origin EXTERNAL_KEY_STORE): the key lives in your key manager outside AWS, reached through your XKS proxy.</summary>
    ExternalKeyStore,
}
