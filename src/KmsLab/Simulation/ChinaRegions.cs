namespace KmsLab.Simulation;

/// <summary>
/// What differs in the China Regions (partition aws-cn: cn-north-1, cn-northwest-1) for key specs:
/// SM2 exists only there; the ML-KEM specs everywhere but there (the SDK's CreateKey KeySpec doc).
/// </summary>
internal static class ChinaRegions
{
    public static bool Contains(string region) => region is "cn-north-1" or "cn-northwest-1";

    /// <summary>Refuses a key (or data key pair) spec that does not exist in <paramref name="region"/>, and SM2, which KmsLab does not model.</summary>
    public static void CheckKeySpec(string spec, string region)
    {
        bool china = Contains(region);
        if (spec == "SM2")
        {
            throw KmsException.Unsupported(china
                ? "KmsLab does not model SM2 keys (SM2DSA, SM2PKE, SM2 key agreement), which exist only in the China Regions: its simulator of cn-north-1 and cn-northwest-1 has every other key spec."
                : $"The SM2 key spec is available only in the China Regions (cn-north-1, cn-northwest-1), not in {region}.");
        }
        if (china && spec.StartsWith("ML_KEM_", StringComparison.Ordinal))
        {
            throw KmsException.Unsupported($"The ML-KEM key specs are not available in the China Regions ({region}).");
        }
    }
}
