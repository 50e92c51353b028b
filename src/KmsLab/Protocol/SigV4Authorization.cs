using System.Collections.Concurrent;
using System.Text;
using KmsLab.Simulation;

namespace KmsLab.Protocol;

/// <summary>
/// The parts of a Signature Version 4 <c>Authorization</c> header:
/// <c>AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/kms/aws4_request, SignedHeaders=..., Signature=...</c>.
/// The Region comes from the credential scope, which is how one loopback endpoint serves every Region.
/// </summary>
internal sealed record SigV4Authorization(SigV4Scope Scope, ReadOnlyMemory<char> Signature)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const string SignatureField = "Signature=";
    private const int MaxRemembered = 1024;

    // A client sends the same credential scope and signed-header list request after request; only
    // the signature changes. Scopes already parsed are remembered by the text before the signature.
    // Hot-path cache. Keeps: the parsed scope (access key ID, date, Region, service, signed headers)
    // of up to 1024 header prefixes, process-wide, plus the last one used (s_last). Lifetime: the
    // process; never evicted (once full, new prefixes are parsed every time). Invalidation: none is
    // needed: the key is the whole text the value is parsed from, and the value holds no secret and
    // no world state, so it is right for every lab and every thread. The signature is never
    // remembered: it is read from the header at hand, and only when it is the last field, so that the
    // prefix cannot depend on it. Tests: HotPathBufferTests (remembered scope, another secret).
    private static readonly ConcurrentDictionary<string, SigV4Scope> Remembered = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, SigV4Scope>.AlternateLookup<ReadOnlySpan<char>> RememberedBySpan =
        Remembered.GetAlternateLookup<ReadOnlySpan<char>>();

    public string AccessKeyId => Scope.AccessKeyId;
    public string Date => Scope.Date;
    public string Region => Scope.Region;
    public string Service => Scope.Service;
    public string SignedHeaders => Scope.SignedHeaders;

    private sealed record LastScope(string Prefix, SigV4Scope Scope);

    private static volatile LastScope? s_last;

    private static SigV4Scope Remember(LastScope last)
    {
        s_last = last;
        return last.Scope;
    }

    /// <summary>Parses the header, or returns null if it is not a well-formed SigV4 header.</summary>
    public static SigV4Authorization? Parse(string header)
    {
        // Fast path: "<scope and signed headers>, Signature=<hex>" with a scope seen before. The
        // signature must be a field of its own, last, so that the scope cannot depend on it.
        int at = header.LastIndexOf(SignatureField, StringComparison.Ordinal);
        bool signatureLast = at > 0 && header.AsSpan(at).IndexOf(',') < 0 && header.AsSpan(0, at).TrimEnd(' ') is [.., ','];
        if (signatureLast)
        {
            // The last scope first: comparing with it costs less than hashing the text to find it.
            var prefix = header.AsSpan(0, at);
            var last = s_last;
            var known = last is not null && prefix.SequenceEqual(last.Prefix) ? last.Scope
                : RememberedBySpan.TryGetValue(prefix, out var remembered) ? Remember(new LastScope(prefix.ToString(), remembered)) : null;
            if (known is not null) return new SigV4Authorization(known, header.AsMemory(at + SignatureField.Length).Trim());
        }

        var parsed = ParseFully(header);
        if (parsed is not null && signatureLast && Remembered.Count < MaxRemembered)
        {
            Remembered.TryAdd(header[..at], parsed.Scope);
            Remember(new LastScope(header[..at], parsed.Scope));
        }
        return parsed;
    }

    /// <summary>
    /// Why AWS refuses an Authorization header that <see cref="Parse"/> could not read (or a request
    /// without <c>X-Amz-Date</c>): the error code and message AWS's JSON services answer with. Runs only
    /// on a refused request, never on the hot path.
    /// </summary>
    /// <remarks>
    /// The checks, their order and their wording are those of AWS's front door (Coral) as recorded from
    /// real answers in mhart/dynalite's <c>index.js</c> (a DynamoDB emulator that copies each message):
    /// fields that are not <c>key=value</c> first ("'x' not a valid key=value pair (missing equal-sign) in
    /// Authorization header: '...'.", also seen from STS, Cloud9 and API Gateway in aws-sdk-go#289,
    /// iann0036/cloud9-sync#10), then the missing parameters and date together ("Authorization header
    /// requires 'Credential' parameter. ... Authorization=...", brendanhay/amazonka#316, aws/chalice#828),
    /// then the algorithm ("Unsupported AWS 'algorithm': '...'") and the credential's shape ("Credential
    /// must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '...'",
    /// mhart/aws4#97): all <c>IncompleteSignatureException</c>. A credential of five parts with a wrong
    /// terminator or an empty part is <c>InvalidSignatureException</c>, as Coral's scope checks are.
    /// </remarks>
    public static (string Code, string Message) Problem(string header, bool hasDate)
    {
        var text = header.AsSpan();
        int space = text.IndexOf(' ');
        var algorithm = space < 0 ? text : text[..space];
        var fields = space < 0 ? ReadOnlySpan<char>.Empty : text[(space + 1)..];
        ReadOnlySpan<char> credential = default;
        bool haveCredential = false, haveSignedHeaders = false, haveSignature = false;
        foreach (var range in fields.Split(','))
        {
            var part = fields[range].Trim();
            if (part.IsEmpty) continue;
            int eq = part.IndexOf('=');
            if (eq < 0) return (KmsErrorCodes.IncompleteSignature, $"'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.");
            switch (part[..eq])
            {
                case "Credential": credential = part[(eq + 1)..]; haveCredential = true; break;
                case "SignedHeaders": haveSignedHeaders = true; break;
                case "Signature": haveSignature = true; break;
            }
        }
        var missing = new StringBuilder();
        if (!haveCredential) missing.Append("Authorization header requires 'Credential' parameter. ");
        if (!haveSignature) missing.Append("Authorization header requires 'Signature' parameter. ");
        if (!haveSignedHeaders) missing.Append("Authorization header requires 'SignedHeaders' parameter. ");
        if (!hasDate) missing.Append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        if (missing.Length > 0) return (KmsErrorCodes.IncompleteSignature, $"{missing}Authorization={header}");
        if (!algorithm.SequenceEqual(Algorithm)) return (KmsErrorCodes.IncompleteSignature, $"Unsupported AWS 'algorithm': '{algorithm}' (only {Algorithm} for now). ");
        var credentialText = credential.TrimEnd('/');
        if (credentialText.Count('/') != 4) return (KmsErrorCodes.IncompleteSignature, $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credentialText}'");
        if (!credentialText.EndsWith("/aws4_request", StringComparison.Ordinal))
            return (KmsErrorCodes.InvalidSignature, $"Credential should be scoped with a valid terminator: 'aws4_request', not '{credentialText[(credentialText.LastIndexOf('/') + 1)..]}'. ");
        return (KmsErrorCodes.InvalidSignature, "The Authorization header is not a valid AWS Signature Version 4 header: every part of its credential scope (access key ID, date, Region, service) must be given.");
    }

    private static SigV4Authorization? ParseFully(string header)
    {
        var text = header.AsSpan();
        if (!text.StartsWith(Algorithm + " ", StringComparison.Ordinal)) return null;
        text = text[(Algorithm.Length + 1)..];
        ReadOnlySpan<char> credential = default, signedHeaders = default, signature = default;
        bool haveCredential = false, haveSignedHeaders = false, haveSignature = false;
        foreach (var range in text.Split(','))
        {
            var part = text[range].Trim();
            if (part.IsEmpty) continue;
            int eq = part.IndexOf('=');
            if (eq <= 0) return null;
            var value = part[(eq + 1)..];
            switch (part[..eq])
            {
                case "Credential": credential = value; haveCredential = true; break;
                case "SignedHeaders": signedHeaders = value; haveSignedHeaders = true; break;
                case "Signature": signature = value; haveSignature = true; break;
            }
        }
        if (!haveCredential || !haveSignedHeaders || !haveSignature) return null;

        Span<Range> scope = stackalloc Range[6];
        if (credential.Split(scope, '/') != 5) return null;
        foreach (var r in scope[..5])
        {
            if (credential[r].IsEmpty) return null;
        }
        if (!credential[scope[4]].SequenceEqual("aws4_request")) return null;
        var names = signedHeaders.ToString();
        return new SigV4Authorization(
            new SigV4Scope(credential[scope[0]].ToString(), credential[scope[1]].ToString(), credential[scope[2]].ToString(),
                credential[scope[3]].ToString(), names, names.Split(';')),
            signature.ToString().AsMemory());
    }
}

/// <summary>
/// The credential scope and signed headers of a SigV4 header: everything but the signature.
/// <see cref="SignedHeaderNames"/> are the names of <see cref="SignedHeaders"/>, in the order given.
/// </summary>
/// <remarks>
/// A client's requests share their scope, so the parts of the canonical request and the string to
/// sign that come from it alone are kept here, as the UTF-8 that gets hashed. (A class, not a
/// record: a <c>with</c> copy would carry those parts over unchanged.)
/// </remarks>
internal sealed class SigV4Scope(string accessKeyId, string date, string region, string service, string signedHeaders, string[] signedHeaderNames)
{
    public string AccessKeyId { get; } = accessKeyId;
    public string Date { get; } = date;
    public string Region { get; } = region;
    public string Service { get; } = service;
    public string SignedHeaders { get; } = signedHeaders;
    public string[] SignedHeaderNames { get; } = signedHeaderNames;

    /// <summary>Each signed header's canonical line start, <c>name:</c>.</summary>
    public byte[][] HeaderLineStarts { get; } = [.. signedHeaderNames.Select(n => Encoding.UTF8.GetBytes(n + ":"))];

    /// <summary>The canonical request's signed-headers line with the newlines around it.</summary>
    public byte[] SignedHeadersLine { get; } = Encoding.UTF8.GetBytes("\n" + signedHeaders + "\n");

    /// <summary>The string to sign's credential scope line, <c>date/region/service/aws4_request</c> and a newline.</summary>
    public byte[] CredentialScopeLine { get; } = Encoding.UTF8.GetBytes($"{date}/{region}/{service}/aws4_request\n");
}
