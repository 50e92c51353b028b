using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace KmsLab.Protocol;

/// <summary>
/// Checks a request's Signature Version 4 signature as AWS does: rebuild the canonical request
/// from what arrived, derive the signing key from the secret access key, and compare. A request
/// signed with a wrong secret, or altered after signing (its body, a signed header), fails.
/// The request time is not compared with the simulated clock, which a lesson may have moved years ahead.
/// </summary>
/// <remarks>
/// Every request pays for this check, so it works in pooled buffers: no strings are built for the
/// canonical request or the string to sign.
/// </remarks>
internal sealed class SigV4Verifier
{
    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), SigningKey> _signingKeys = new();

    // The key used last, checked before the dictionary: one client's requests share their scope
    // strings, so the check is a few reference comparisons instead of hashing four strings.
    private volatile RecentSigningKey? _recent;

    [ThreadStatic] private static IncrementalHash? t_sha256;

    public bool Verify(KmsWireRequest request, SigV4Authorization authorization, string secretAccessKey)
    {
        var amzDate = request.Header("X-Amz-Date");
        if (amzDate is null || !amzDate.StartsWith(authorization.Date, StringComparison.Ordinal)) return false;
        if (authorization.Signature.Length != 64) return false;

        Span<byte> bodyHash = stackalloc byte[32];
        Sha256(request.Body.Span, bodyHash);
        Span<char> payloadHash = stackalloc char[64];
        Convert.TryToHexStringLower(bodyHash, payloadHash, out _);
        var declared = request.Header("X-Amz-Content-SHA256");
        if (declared is not null && !payloadHash.SequenceEqual(declared) && declared != "UNSIGNED-PAYLOAD") return false;

        var buffer = new CanonicalBuffer(ArrayPool<char>.Shared.Rent(1024));
        try
        {
            buffer.Append(request.Method).Append('\n');
            buffer.Append(string.IsNullOrEmpty(request.Path) ? "/" : request.Path).Append('\n');
            buffer.Append(CanonicalQuery(request.Query)).Append('\n');
            foreach (var name in authorization.Scope.SignedHeaderNames)
            {
                var value = name == "host" ? request.Header("Host") ?? request.Host : request.Header(name);
                if (value is null) return false;
                buffer.Append(name).Append(':').AppendCollapsed(value.AsSpan().Trim()).Append('\n');
            }
            buffer.Append('\n').Append(authorization.SignedHeaders).Append('\n');
            if (declared is null) buffer.Append(payloadHash);
            else buffer.Append(declared);

            Span<byte> canonicalHash = stackalloc byte[32];
            HashUtf8(buffer.Written, canonicalHash);

            // String to sign: algorithm, request time, credential scope, canonical request hash.
            var toSign = new CanonicalBuffer(ArrayPool<char>.Shared.Rent(256));
            try
            {
                toSign.Append("AWS4-HMAC-SHA256\n").Append(amzDate).Append('\n')
                    .Append(authorization.Date).Append('/').Append(authorization.Region).Append('/').Append(authorization.Service).Append("/aws4_request\n");
                Span<char> hex = stackalloc char[64];
                Convert.TryToHexStringLower(canonicalHash, hex, out _);
                toSign.Append(hex);

                var key = SigningKeyFor(secretAccessKey, authorization.Scope);
                Span<byte> toSignBytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(toSign.Written.Length)];
                int n = Encoding.UTF8.GetBytes(toSign.Written, toSignBytes);
                Span<byte> expected = stackalloc byte[32];
                key.Sign(toSignBytes[..n], expected);

                Span<byte> provided = stackalloc byte[32];
                if (Convert.FromHexString(authorization.Signature, provided, out _, out int written) != OperationStatus.Done || written != 32) return false;
                return CryptographicOperations.FixedTimeEquals(expected, provided);
            }
            finally
            {
                toSign.Return();
            }
        }
        finally
        {
            buffer.Return();
        }
    }

    private static void HashUtf8(ReadOnlySpan<char> text, Span<byte> hash)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            int n = Encoding.UTF8.GetBytes(text, bytes);
            Sha256(bytes.AsSpan(0, n), hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
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

    /// <summary>A growable char buffer on pooled arrays.</summary>
    private sealed class CanonicalBuffer(char[] array)
    {
        private char[] _array = array;
        private int _length;

        public ReadOnlySpan<char> Written => _array.AsSpan(0, _length);

        public CanonicalBuffer Append(char c)
        {
            Ensure(1);
            _array[_length++] = c;
            return this;
        }

        public CanonicalBuffer Append(ReadOnlySpan<char> text)
        {
            Ensure(text.Length);
            text.CopyTo(_array.AsSpan(_length));
            _length += text.Length;
            return this;
        }

        /// <summary>Appends with runs of spaces collapsed to one, as SigV4's canonical header values require.</summary>
        public CanonicalBuffer AppendCollapsed(ReadOnlySpan<char> text)
        {
            if (!text.Contains("  ", StringComparison.Ordinal)) return Append(text);
            Ensure(text.Length);
            bool space = false;
            foreach (var c in text)
            {
                if (c == ' ' && space) continue;
                space = c == ' ';
                _array[_length++] = c;
            }
            return this;
        }

        public void Return() => ArrayPool<char>.Shared.Return(_array);

        private void Ensure(int more)
        {
            if (_length + more <= _array.Length) return;
            var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_array.Length * 2, _length + more));
            _array.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<char>.Shared.Return(_array);
            _array = bigger;
        }
    }
}
