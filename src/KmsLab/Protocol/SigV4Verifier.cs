using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace KmsLab.Protocol;

/// <summary>
/// Checks a request's Signature Version 4 signature as AWS does: rebuild the canonical request
/// from what arrived, derive the signing key from the secret access key, and compare. A request
/// signed with a wrong secret, or altered after signing (its body, a signed header), fails.
/// The request time's distance from the wall clock is <see cref="SignatureClock"/>'s check, made before
/// this one; it is never compared with the simulated clock, which a lesson may have moved years ahead.
/// </summary>
/// <remarks>
/// Every request pays for this check, so it works in a buffer kept per thread: no strings are built
/// for the canonical request or the string to sign.
/// </remarks>
internal sealed class SigV4Verifier
{
    // Hot-path cache. Keeps: each derived signing key, by everything SigV4 derives it from — the
    // secret the simulator holds for the signer (never the client's), the date, the Region, the
    // service. Lifetime: this verifier's, i.e. its lab's; one entry per principal, day and Region
    // (a long-running serve adds one a day per principal and Region: small, never evicted).
    // Invalidation: none is needed, the key is the whole input of the derivation; a principal whose
    // secret changed would simply use another entry. Tests: HotPathBufferTests (signing keys taking turns).
    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), SigningKey> _signingKeys = new();

    // The key used last, checked before the dictionary: one client's requests share their scope
    // strings, so the check is a few reference comparisons instead of hashing four strings. It is
    // matched on the same four strings as the dictionary, so it answers only what the dictionary would.
    private volatile RecentSigningKey? _recent;

    // Per-thread scratch (a SHA-256 and the canonical text), reset at every use and never read across
    // calls: safe on any thread, and a nested request would only reset them between their uses.
    [ThreadStatic] private static IncrementalHash? t_sha256;
    [ThreadStatic] private static Utf8Text? t_text;

    /// <param name="request">The request as it arrived.</param>
    /// <param name="authorization">Its parsed Authorization header.</param>
    /// <param name="secretAccessKey">The signer's secret, as the simulator holds it.</param>
    /// <param name="amzDate">The request's <c>X-Amz-Date</c> header (read once by the caller).</param>
    public bool Verify(KmsWireRequest request, SigV4Authorization authorization, string secretAccessKey, string amzDate)
    {
        if (!amzDate.StartsWith(authorization.Date, StringComparison.Ordinal)) return false;
        if (authorization.Signature.Length != 64) return false;

        Span<byte> bodyHash = stackalloc byte[32];
        Sha256(request.Body.Span, bodyHash);
        Span<char> payloadHash = stackalloc char[64];
        Convert.TryToHexStringLower(bodyHash, payloadHash, out _);
        var declared = request.Header("X-Amz-Content-SHA256");
        if (declared is not null && !payloadHash.SequenceEqual(declared) && declared != "UNSIGNED-PAYLOAD") return false;

        // The canonical request and the string to sign are written as UTF-8 straight into one
        // buffer per thread: what gets hashed and signed is bytes, so no text is built first.
        var text = t_text ??= new Utf8Text();
        text.Clear();
        text.Append(request.Method).Append('\n');
        text.Append(string.IsNullOrEmpty(request.Path) ? "/" : request.Path).Append('\n');
        text.Append(CanonicalQuery(request.Query)).Append('\n');
        var scope = authorization.Scope;
        for (int i = 0; i < scope.SignedHeaderNames.Length; i++)
        {
            var name = scope.SignedHeaderNames[i];
            var value = name switch
            {
                "host" => request.Header("Host") ?? request.Host,
                "x-amz-date" => amzDate, // read above: no second lookup
                "x-amz-content-sha256" => declared,
                _ => request.Header(name),
            };
            if (value is null) return false;
            text.Append(scope.HeaderLineStarts[i]).AppendCollapsed(value.AsSpan().Trim()).Append('\n');
        }
        text.Append(scope.SignedHeadersLine).Append(declared is null ? payloadHash : declared);
        Span<byte> canonicalHash = stackalloc byte[32];
        Sha256(text.Written, canonicalHash);

        // String to sign: algorithm, request time, credential scope, canonical request hash.
        Span<char> hex = stackalloc char[64];
        Convert.TryToHexStringLower(canonicalHash, hex, out _);
        text.Clear();
        text.Append("AWS4-HMAC-SHA256\n"u8).Append(amzDate).Append('\n').Append(scope.CredentialScopeLine).Append(hex);
        Span<byte> expected = stackalloc byte[32];
        SigningKeyFor(secretAccessKey, scope).Sign(text.Written, expected);

        Span<byte> provided = stackalloc byte[32];
        if (Convert.FromHexString(authorization.Signature.Span, provided, out _, out int written) != OperationStatus.Done || written != 32) return false;
        return CryptographicOperations.FixedTimeEquals(expected, provided);
    }

    // A hash object kept per thread: a one-shot hash sets up and frees an OpenSSL context each time,
    // and each native call .NET makes into OpenSSL 3 also clears its error queue, which is not cheap.
    private static void Sha256(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(data);
        sha256.GetHashAndReset(hash);
    }

    private SigningKey SigningKeyFor(string secret, SigV4Scope scope)
    {
        var recent = _recent;
        if (recent is not null && recent.Matches(secret, scope)) return recent.Key;
        var key = _signingKeys.GetOrAdd((secret, scope.Date, scope.Region, scope.Service), DeriveSigningKey);
        _recent = new RecentSigningKey(secret, scope.Date, scope.Region, scope.Service, key);
        return key;
    }

    private sealed record RecentSigningKey(string Secret, string Date, string Region, string Service, SigningKey Key)
    {
        public bool Matches(string secret, SigV4Scope scope) =>
            string.Equals(Secret, secret, StringComparison.Ordinal) && string.Equals(Date, scope.Date, StringComparison.Ordinal)
            && string.Equals(Region, scope.Region, StringComparison.Ordinal) && string.Equals(Service, scope.Service, StringComparison.Ordinal);
    }

    private static SigningKey DeriveSigningKey((string Secret, string Date, string Region, string Service) scope)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + scope.Secret), Encoding.UTF8.GetBytes(scope.Date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Service));
        return new SigningKey(HMACSHA256.HashData(key, "aws4_request"u8));
    }

    /// <summary>A derived signing key with a reusable HMAC: setting up HMAC costs more than running it.</summary>
    private sealed class SigningKey(byte[] key)
    {
        private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        private readonly Lock _sync = new();

        public void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
        {
            lock (_sync)
            {
                _hmac.AppendData(data);
                _hmac.GetHashAndReset(signature);
            }
        }
    }

    private static string CanonicalQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?") return "";
        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=') ? p : p + "=")
            .OrderBy(p => p, StringComparer.Ordinal);
        return string.Join('&', pairs);
    }

    /// <summary>A growable UTF-8 buffer, reused by its thread from request to request.</summary>
    private sealed class Utf8Text
    {
        private byte[] _bytes = new byte[1024];
        private int _length;

        public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

        public void Clear()
        {
            _length = 0;
            if (_bytes.Length > 64 * 1024) _bytes = new byte[1024]; // a rare huge request should not stay pinned to the thread
        }

        public Utf8Text Append(ReadOnlySpan<byte> utf8)
        {
            Ensure(utf8.Length);
            utf8.CopyTo(_bytes.AsSpan(_length));
            _length += utf8.Length;
            return this;
        }

        /// <summary>Appends one of SigV4's separators, which are ASCII.</summary>
        public Utf8Text Append(char separator)
        {
            System.Diagnostics.Debug.Assert(char.IsAscii(separator));
            Ensure(1);
            _bytes[_length++] = (byte)separator;
            return this;
        }

        public Utf8Text Append(ReadOnlySpan<char> text)
        {
            // SigV4's text is ASCII but for the odd header value: narrow it, and transcode only from
            // the first character that is not.
            Ensure(text.Length);
            var status = Ascii.FromUtf16(text, _bytes.AsSpan(_length), out int narrowed);
            _length += narrowed;
            if (status == OperationStatus.Done) return this;
            var rest = text[narrowed..];
            Ensure(Encoding.UTF8.GetMaxByteCount(rest.Length));
            _length += Encoding.UTF8.GetBytes(rest, _bytes.AsSpan(_length));
            return this;
        }

        /// <summary>Appends with runs of spaces collapsed to one, as SigV4's canonical header values require.</summary>
        public Utf8Text AppendCollapsed(ReadOnlySpan<char> text)
        {
            int doubled = text.IndexOf("  ", StringComparison.Ordinal);
            while (doubled >= 0)
            {
                Append(text[..(doubled + 1)]);
                text = text[(doubled + 1)..].TrimStart(' ');
                doubled = text.IndexOf("  ", StringComparison.Ordinal);
            }
            return Append(text);
        }

        private void Ensure(int more)
        {
            if (_length + more > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + more));
        }
    }
}
