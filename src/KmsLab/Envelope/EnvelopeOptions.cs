namespace KmsLab.Envelope;

/// <summary>Settings of an <see cref="EnvelopeClient"/> that apply to every message it handles.</summary>
public sealed record EnvelopeClientOptions
{
    /// <summary>
    /// The most encrypted data keys a message may carry: encryption with more keys fails, and
    /// decryption refuses a message with more as soon as it reads the count (before any KMS call).
    /// <c>null</c> (the default, as in the official SDKs) means no limit beyond the format's 65,535.
    /// </summary>
    public int? MaxEncryptedDataKeys { get; init; }

    /// <summary>
    /// The largest frame length accepted when decrypting (a frame is held in memory until its tag
    /// verifies). Default 16 MiB; the official SDKs write 4 KiB frames unless told otherwise.
    /// </summary>
    public int MaxFrameLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Reuse data keys across messages within the cache's bounds; <c>null</c> (default) for a fresh data key per message.</summary>
    public DataKeyCache? Cache { get; init; }

    /// <summary>
    /// Size of each I/O buffer (default 1 MiB); frames are batched into buffers this large. A
    /// message in progress holds four: the input being sealed or opened, the next input being read
    /// ahead, the output being filled and the output being written behind. They are pooled across
    /// messages; a frame larger than the buffer makes the input buffers grow to hold it.
    /// </summary>
    public int BufferSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// Cores used to seal or open the frames of one buffer (default 1: the crypto of each message
    /// on one thread). The message bytes do not depend on it. Runs shorter than 256 KiB stay on
    /// one core. Besides these, one thread-pool thread writes the previous buffer to the output
    /// (and, when encrypting with the signed suite, adds it to the SHA-384) meanwhile.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;
}

/// <summary>What to encrypt a message with.</summary>
public sealed record EnvelopeEncryptOptions
{
    /// <summary>
    /// KMS keys (key ID, key ARN, alias name or alias ARN): the first generates the data key, each
    /// further one encrypts it again. The message carries one encrypted data key per KMS key and
    /// any one of them can decrypt it.
    /// </summary>
    public required IReadOnlyList<string> KeyIds { get; init; }

    /// <summary>
    /// Encryption context: non-secret pairs bound to the message, stored in its header and sent to
    /// KMS with every call. Keys beginning <c>aws-crypto-</c> are reserved.
    /// </summary>
    public IReadOnlyDictionary<string, string> EncryptionContext { get; init; } = new Dictionary<string, string>();

    /// <summary>Algorithm suite; default 0x0578 (signed), the official SDKs' default.</summary>
    public AlgorithmSuite AlgorithmSuite { get; init; } = AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384;

    /// <summary>Plaintext bytes per frame, 1 to 2^30; default 4096 (the official SDKs' default).</summary>
    public int FrameLength { get; init; } = 4096;

    /// <summary>Receives the number of plaintext bytes processed so far, about once per buffer.</summary>
    public IProgress<long>? Progress { get; init; }
}

/// <summary>
/// Which KMS keys may decrypt a message: strict mode (only the named key ARNs) or discovery mode
/// (whatever aws-kms key the message names, optionally only in some accounts).
/// </summary>
public sealed record EnvelopeDecryptOptions
{
    private EnvelopeDecryptOptions() { }

    /// <summary>Strict mode: the key ARNs allowed to decrypt; <c>null</c> in discovery mode.</summary>
    public IReadOnlyList<string>? KeyArns { get; private init; }

    /// <summary>Discovery mode's optional filter; <c>null</c> in strict mode or for no filter.</summary>
    public DiscoveryFilter? DiscoveryFilter { get; private init; }

    /// <summary>True in discovery mode.</summary>
    public bool IsDiscovery => KeyArns is null;

    /// <summary>
    /// Pairs the message's encryption context must contain (checked once the header has been
    /// authenticated, before any plaintext is released); empty by default.
    /// </summary>
    public IReadOnlyDictionary<string, string> RequiredEncryptionContext { get; init; } = new Dictionary<string, string>();

    /// <summary>Receives the number of ciphertext bytes read so far, about once per buffer.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>Strict mode: decrypt only with these KMS key ARNs (the recommended mode).</summary>
    public static EnvelopeDecryptOptions Strict(params IReadOnlyList<string> keyArns)
    {
        ArgumentNullException.ThrowIfNull(keyArns);
        if (keyArns.Count == 0) throw new ArgumentException("Strict mode needs at least one KMS key ARN.", nameof(keyArns));
        foreach (var arn in keyArns)
        {
            if (!Internal.KmsArn.IsKeyArn(arn))
                throw new ArgumentException($"'{arn}' is not a KMS key ARN; strict mode matches the key ARNs recorded in the message, so it needs key ARNs (not key IDs or aliases).", nameof(keyArns));
        }
        return new EnvelopeDecryptOptions { KeyArns = [.. keyArns] };
    }

    /// <summary>
    /// Discovery mode: ask KMS to decrypt with whichever key each aws-kms encrypted data key names,
    /// optionally only keys of the filter's partition and accounts.
    /// </summary>
    public static EnvelopeDecryptOptions Discovery(DiscoveryFilter? filter = null) => new() { DiscoveryFilter = filter };
}

/// <summary>Limits discovery mode to KMS keys of one partition and some accounts.</summary>
/// <param name="Partition">The partition, e.g. <c>aws</c>.</param>
/// <param name="AccountIds">The accounts whose keys may be used.</param>
public sealed record DiscoveryFilter(string Partition, IReadOnlyCollection<string> AccountIds);

/// <summary>What a message is: its header's facts, once authenticated.</summary>
/// <param name="MessageId">The message ID (32 random bytes).</param>
/// <param name="AlgorithmSuite">The algorithm suite.</param>
/// <param name="EncryptionContext">The encryption context, including <c>aws-crypto-public-key</c> for the signed suite.</param>
/// <param name="KeyArns">The KMS key ARNs of the message's aws-kms encrypted data keys, in header order.</param>
/// <param name="FrameLength">The frame length.</param>
/// <param name="PlaintextLength">Plaintext bytes encrypted or decrypted.</param>
/// <param name="DecryptedWithKeyArn">On decryption, the KMS key that decrypted the data key; otherwise null.</param>
public sealed record EnvelopeMessageInfo(
    ReadOnlyMemory<byte> MessageId,
    AlgorithmSuite AlgorithmSuite,
    IReadOnlyDictionary<string, string> EncryptionContext,
    IReadOnlyList<string> KeyArns,
    int FrameLength,
    long PlaintextLength,
    string? DecryptedWithKeyArn);
