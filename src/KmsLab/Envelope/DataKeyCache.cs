using System.Security.Cryptography;
using KmsLab.Envelope.Internal;

namespace KmsLab.Envelope;

/// <summary>Bounds of a <see cref="DataKeyCache"/>: how long and how much one data key may be reused.</summary>
public sealed record DataKeyCacheOptions
{
    /// <summary>How long a data key stays usable after KMS produced it (required, greater than zero).</summary>
    public required TimeSpan MaxAge { get; init; }

    /// <summary>Messages one data key may encrypt; default 2^32 (the spec's default).</summary>
    public long MaxMessagesPerKey { get; init; } = 1L << 32;

    /// <summary>Plaintext bytes one data key may encrypt, across messages; default unlimited.</summary>
    public long MaxBytesPerKey { get; init; } = long.MaxValue;

    /// <summary>Entries kept at most; the oldest is evicted first. Default 1000.</summary>
    public int Capacity { get; init; } = 1000;
}

/// <summary>
/// Reuses data keys across messages (the AWS Encryption SDK's caching CMM): encryption with the same
/// keys, suite and encryption context reuses one data key - and its encrypted data keys, and for
/// the signed suite its signing key - within the bounds; decryption of a message whose encrypted
/// data keys were seen before skips KMS Decrypt. Fewer KMS calls, at the cost of each data key
/// protecting more data and staying longer in memory: <see cref="KmsCallsSaved"/> shows the gain.
/// </summary>
/// <remarks>
/// Entries are partitioned by KMS client instance and key configuration, so a cache shared by
/// clients that act as different principals never hands one principal's data key to another.
/// Encryption bypasses the cache when the plaintext length is not known in advance (a stream that
/// cannot seek), as the official SDKs do. Time comes from the injected <see cref="TimeProvider"/>.
/// </remarks>
public sealed class DataKeyCache
{
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new();
    private long _hits, _misses, _saved, _made;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="time">The clock that ages entries (e.g. <c>TimeProvider.System</c>, or a lab's clock).</param>
    /// <param name="options">The bounds.</param>
    public DataKeyCache(TimeProvider time, DataKeyCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxAge <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "MaxAge must be greater than zero.");
        if (options.MaxMessagesPerKey < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxMessagesPerKey must be at least 1.");
        if (options.MaxBytesPerKey < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxBytesPerKey must not be negative.");
        if (options.Capacity < 1) throw new ArgumentOutOfRangeException(nameof(options), "Capacity must be at least 1.");
        _time = time;
        Options = options;
    }

    /// <summary>The bounds this cache enforces.</summary>
    public DataKeyCacheOptions Options { get; }

    /// <summary>Requests answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Requests that had to go to KMS (including those that bypassed the cache).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>KMS calls (GenerateDataKey, Encrypt, Decrypt) avoided thanks to the cache.</summary>
    public long KmsCallsSaved => Interlocked.Read(ref _saved);

    /// <summary>KMS calls made on behalf of clients using this cache.</summary>
    public long KmsCallsMade => Interlocked.Read(ref _made);

    /// <summary>Entries currently held.</summary>
    public int Count { get { lock (_lock) return _entries.Count; } }

    /// <summary>Forgets every entry (and zeroes its key material).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var e in _entries.Values) e.Destroy();
            _entries.Clear();
            _order.Clear();
        }
    }

    // ---- used by EnvelopeClient ----

    internal sealed class Entry
    {
        public required byte[] DataKey { get; init; }
        public required DateTimeOffset Created { get; init; }
        public required int KmsCalls { get; init; }
        public IReadOnlyList<EncryptedDataKey> EncryptedDataKeys { get; init; } = [];
        public IReadOnlyDictionary<string, string> EncryptionContext { get; init; } = new Dictionary<string, string>();
        public ECParameters? SigningKey { get; init; }
        public string? KeyArn { get; init; }
        public long Messages { get; set; }
        public long Bytes { get; set; }
        public LinkedListNode<string>? Node { get; set; }

        public void Destroy()
        {
            CryptographicOperations.ZeroMemory(DataKey);
            if (SigningKey is { D: { } d }) CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>A copy of a usable entry with its usage counted, or null (miss; a worn-out entry is evicted).</summary>
    internal Entry? TryUseForEncrypt(string key, long plaintextLength)
    {
        lock (_lock)
        {
            // A message larger than the byte limit by itself never uses the cache (and leaves it alone).
            if (plaintextLength > Options.MaxBytesPerKey)
            {
                Interlocked.Increment(ref _misses);
                return null;
            }
            if (_entries.TryGetValue(key, out var e))
            {
                bool fresh = _time.GetUtcNow() - e.Created < Options.MaxAge;
                bool room = e.Messages + 1 <= Options.MaxMessagesPerKey && plaintextLength <= Options.MaxBytesPerKey - e.Bytes;
                if (fresh && room)
                {
                    e.Messages++;
                    e.Bytes += plaintextLength;
                    Interlocked.Increment(ref _hits);
                    Interlocked.Add(ref _saved, e.KmsCalls);
                    return Copy(e);
                }
                Remove(key, e);
            }
            Interlocked.Increment(ref _misses);
            return null;
        }
    }

    internal Entry? TryUseForDecrypt(string key)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var e))
            {
                if (_time.GetUtcNow() - e.Created < Options.MaxAge)
                {
                    e.Messages++;
                    Interlocked.Increment(ref _hits);
                    Interlocked.Add(ref _saved, e.KmsCalls);
                    return Copy(e);
                }
                Remove(key, e);
            }
            Interlocked.Increment(ref _misses);
            return null;
        }
    }

    /// <summary>Counts a request that could not use the cache (unknown plaintext length) as a miss.</summary>
    internal void RecordBypass() => Interlocked.Increment(ref _misses);

    internal void RecordKmsCalls(int calls) => Interlocked.Add(ref _made, calls);

    /// <summary>Stores a copy of fresh materials whose first use (one message of <paramref name="bytes"/>) is already counted.</summary>
    internal void Put(string key, Entry entry, long bytes)
    {
        if (bytes > Options.MaxBytesPerKey) return; // already worn out: the spec says do not cache
        var stored = Copy(entry);
        stored.Messages = 1;
        stored.Bytes = bytes;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var old)) Remove(key, old);
            while (_entries.Count >= Options.Capacity && _order.First is { } oldest) Remove(oldest.Value, _entries[oldest.Value]);
            stored.Node = _order.AddLast(key);
            _entries[key] = stored;
        }
    }

    internal DateTimeOffset Now => _time.GetUtcNow();

    private void Remove(string key, Entry e)
    {
        _entries.Remove(key);
        if (e.Node is not null) _order.Remove(e.Node);
        e.Destroy();
    }

    private static Entry Copy(Entry e) => new()
    {
        DataKey = (byte[])e.DataKey.Clone(),
        Created = e.Created,
        KmsCalls = e.KmsCalls,
        EncryptedDataKeys = e.EncryptedDataKeys,
        EncryptionContext = e.EncryptionContext,
        SigningKey = e.SigningKey is { } p ? CopyKey(p) : null,
        KeyArn = e.KeyArn,
        Messages = e.Messages,
        Bytes = e.Bytes,
    };

    private static ECParameters CopyKey(ECParameters p) => new()
    {
        Curve = p.Curve,
        D = (byte[]?)p.D?.Clone(),
        Q = new ECPoint { X = (byte[]?)p.Q.X?.Clone(), Y = (byte[]?)p.Q.Y?.Clone() },
    };

    /// <summary>SHA-384 of the parts, each length-prefixed: an unambiguous cache key.</summary>
    internal static string KeyOf(params ReadOnlySpan<byte[]> parts)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
        Span<byte> len = stackalloc byte[4];
        foreach (var p in parts)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(len, p.Length);
            h.AppendData(len);
            h.AppendData(p);
        }
        return Convert.ToHexString(h.GetHashAndReset());
    }
}
