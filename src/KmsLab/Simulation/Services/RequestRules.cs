namespace KmsLab.Simulation.Services;

/// <summary>Validation rules many operations share: the service model's constraints on key IDs, grant tokens and paging.</summary>
internal static class RequestRules
{
    public static void KeyId(string? keyId, string member = "keyId") =>
        RequestValidator.Start().Required(keyId, member).Length(keyId, member, 1, 2048).ThrowIfInvalid();

    public static RequestValidator GrantTokens(this RequestValidator v, List<string>? tokens) =>
        v.Count(tokens, "grantTokens", 0, KmsLimits.MaxGrantTokens);

    public static void Paging(int? limit, string? marker, int maxLimit) =>
        RequestValidator.Start().Range(limit, "limit", 1, maxLimit).Length(marker, "marker", 1, 1024).ThrowIfInvalid();
}
