namespace KmsLab.Protocol;

/// <summary>
/// The parts of a Signature Version 4 <c>Authorization</c> header:
/// <c>AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/kms/aws4_request, SignedHeaders=..., Signature=...</c>.
/// The Region comes from the credential scope, which is how one loopback endpoint serves every Region.
/// </summary>
internal sealed record SigV4Authorization(string AccessKeyId, string Date, string Region, string Service, string SignedHeaders, string Signature)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    public static SigV4Authorization? Parse(string header)
    {
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal)) return null;
        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in header[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) return null;
            var value = part[(eq + 1)..];
            switch (part[..eq])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }
        if (credential is null || signedHeaders is null || signature is null) return null;
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request" || scope.Any(string.IsNullOrEmpty)) return null;
        return new SigV4Authorization(scope[0], scope[1], scope[2], scope[3], signedHeaders, signature);
    }
}
