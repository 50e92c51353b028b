using System.Security.Cryptography;
using Amazon.KeyManagementService;
using KmsLab.Envelope.Internal;

namespace KmsLab.Envelope;

/// <summary>
/// Envelope encryption in the AWS Encryption SDK message format (version 2, key-committing
/// suites), with data keys from KMS through any <see cref="IAmazonKeyManagementService"/>: the
/// simulator or real AWS, it cannot tell. Messages it writes decrypt with the official SDKs'
/// AWS KMS keyrings, and the reverse.
/// </summary>
/// <remarks>
/// <para>Streaming: memory depends on the frame length and <see cref="EnvelopeClientOptions.BufferSize"/>,
/// not on the message length. The input is read ahead and the output written behind: while one
/// buffer is sealed or opened, the next is read and the one before is written, so that I/O and
/// crypto overlap. Each stream is used by one thread at a time, but not always the caller's.</para>
/// <para>Decryption releases a frame's plaintext only after its authentication tag verifies, and
/// holds the final frame until the whole message (including the signature of a signed suite)
/// has verified. Verified earlier frames are written as the output buffer fills, as the
/// specification allows for streaming; so with a signed suite, plaintext already written is not
/// known to be <em>signed</em> until <see cref="DecryptAsync(Stream, Stream, EnvelopeDecryptOptions, CancellationToken)"/>
/// completes: a caller must discard the output if it throws. The <c>kmslab decrypt</c> command
/// writes to a temporary file and renames it only after success.</para>
/// <para>Instances are thread-safe; each call handles one message.</para>
/// </remarks>
public sealed class EnvelopeClient
{
    private readonly IAmazonKeyManagementService? _kms;

    /// <summary>Creates a client that gets data keys from <paramref name="kms"/>.</summary>
    public EnvelopeClient(IAmazonKeyManagementService kms, EnvelopeClientOptions? options = null)
        : this(options)
    {
        ArgumentNullException.ThrowIfNull(kms);
        _kms = kms;
    }

    /// <summary>For tests that plug in their own data-key step.</summary>
    internal EnvelopeClient(EnvelopeClientOptions? options)
    {
        Options = options ?? new EnvelopeClientOptions();
        if (Options.MaxEncryptedDataKeys is < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxEncryptedDataKeys must be at least 1 (or null for no limit).");
        if (Options.MaxFrameLength is < 1 or > MessageFormat.MaxSupportedFrameLength)
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxFrameLength must be between 1 and {MessageFormat.MaxSupportedFrameLength}.");
        if (Options.BufferSize is < 1024 or > MessageFormat.MaxSupportedFrameLength)
            throw new ArgumentOutOfRangeException(nameof(options), "BufferSize must be between 1 KiB and 1 GiB.");
        if (Options.MaxDegreeOfParallelism is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxDegreeOfParallelism must be between 1 and 64.");
    }

    /// <summary>The settings this client was created with.</summary>
    public EnvelopeClientOptions Options { get; }

    private IAmazonKeyManagementService Kms => _kms ?? throw new InvalidOperationException("This client has no KMS client.");

    /// <summary>Encrypts <paramref name="plaintext"/> (read to its end) into a message written to <paramref name="message"/>.</summary>
    /// <returns>The message's header facts and the number of plaintext bytes.</returns>
    /// <exception cref="EnvelopeException">KMS refused a call, or a limit was exceeded.</exception>
    public Task<EnvelopeMessageInfo> EncryptAsync(Stream plaintext, Stream message, EnvelopeEncryptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateKeyIds(options.KeyIds);
        return EncryptCoreAsync(plaintext, message, new KmsDataKeyGenerator(Kms, [.. options.KeyIds]), options, cancellationToken);
    }

    /// <summary>Encrypts a byte array into a message.</summary>
    public async Task<byte[]> EncryptAsync(byte[] plaintext, EnvelopeEncryptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        using var input = new MemoryStream(plaintext, writable: false);
        using var output = new MemoryStream();
        await EncryptAsync(input, output, options, cancellationToken).ConfigureAwait(false);
        return output.ToArray();
    }

    /// <summary>
    /// Decrypts the message read from <paramref name="message"/> (which must end where the message
    /// ends) into <paramref name="plaintext"/>. See the class remarks for when plaintext is released.
    /// </summary>
    /// <returns>The authenticated header facts, the plaintext length and the KMS key that decrypted the data key.</returns>
    /// <exception cref="EnvelopeFormatException">The input is not a well-formed message (including truncation and trailing data).</exception>
    /// <exception cref="EnvelopeAuthenticationException">The message does not authenticate.</exception>
    /// <exception cref="EnvelopeException">No allowed KMS key could decrypt the data key, or a limit was exceeded.</exception>
    public Task<EnvelopeMessageInfo> DecryptAsync(Stream message, Stream plaintext, EnvelopeDecryptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var decryptor = new KmsDataKeyDecryptor(Kms, options.KeyArns, options.DiscoveryFilter);
        return DecryptCoreAsync(message, plaintext, decryptor, options, cancellationToken);
    }

    /// <summary>Decrypts a message held in a byte array; nothing is returned unless all of it verifies.</summary>
    public async Task<byte[]> DecryptAsync(byte[] message, EnvelopeDecryptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var input = new MemoryStream(message, writable: false);
        using var output = new MemoryStream();
        await DecryptAsync(input, output, options, cancellationToken).ConfigureAwait(false);
        return output.ToArray();
    }

    // ---------------------------------------------------------------------------------------

    internal async Task<EnvelopeMessageInfo> EncryptCoreAsync(Stream input, Stream output, IDataKeyGenerator generator,
        EnvelopeEncryptOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (!Enum.IsDefined(options.AlgorithmSuite))
            throw new ArgumentException($"Unsupported algorithm suite 0x{(ushort)options.AlgorithmSuite:X4}.", nameof(options));
        if (options.FrameLength is < 1 or > MessageFormat.MaxSupportedFrameLength)
            throw new ArgumentException($"The frame length must be between 1 and {MessageFormat.MaxSupportedFrameLength} bytes, not {options.FrameLength}.", nameof(options));
        ArgumentNullException.ThrowIfNull(options.EncryptionContext);
        foreach (var key in options.EncryptionContext.Keys)
        {
            // encrypt.md: the prefix aws-crypto- is reserved; the operation MUST fail.
            if (key.StartsWith(MessageFormat.ReservedContextPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"Encryption context key '{key}' uses the reserved prefix '{MessageFormat.ReservedContextPrefix}'.", nameof(options));
        }
        EncryptionContextCodec.Serialize(options.EncryptionContext); // validates sizes and text early
        if (Options.MaxEncryptedDataKeys is int max && options.KeyIds.Count > max)
            throw new EnvelopeException($"{options.KeyIds.Count} KMS keys would give the message {options.KeyIds.Count} encrypted data keys, more than the {max} this client allows (MaxEncryptedDataKeys).");

        long? plaintextLength = null;
        try { if (input.CanSeek) plaintextLength = input.Length - input.Position; }
        catch (NotSupportedException) { }

        var materials = await GetEncryptionMaterialsAsync(generator, options, plaintextLength, ct).ConfigureAwait(false);
        try
        {
            if (Options.MaxEncryptedDataKeys is int m && materials.EncryptedDataKeys.Count > m)
                throw new EnvelopeException($"The message would carry {materials.EncryptedDataKeys.Count} encrypted data keys, more than the {m} this client allows (MaxEncryptedDataKeys).");
            var (header, length) = await MessageEncryptor.EncryptAsync(input, output, materials, options.FrameLength, Options.BufferSize, Options.MaxDegreeOfParallelism, options.Progress, ct).ConfigureAwait(false);
            return Info(header, length, null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(materials.DataKey);
            materials.SigningKey?.Dispose();
        }
    }

    private async Task<EncryptionMaterials> GetEncryptionMaterialsAsync(IDataKeyGenerator generator, EnvelopeEncryptOptions options,
        long? plaintextLength, CancellationToken ct)
    {
        var suite = options.AlgorithmSuite;
        var cache = Options.Cache;
        string? cacheKey = null;
        if (cache is not null)
        {
            cacheKey = DataKeyCache.KeyOf("encrypt"u8.ToArray(), MessageFormat.StrictUtf8.GetBytes(generator.CacheIdentity),
                [(byte)((ushort)suite >> 8), (byte)suite], EncryptionContextCodec.Serialize(options.EncryptionContext));
            if (plaintextLength is long len && cache.TryUseForEncrypt(cacheKey, len) is { } hit)
            {
                ECDsa? cachedSigner = hit.SigningKey is { } p ? ECDsa.Create(p) : null;
                if (hit.SigningKey is { D: { } d }) CryptographicOperations.ZeroMemory(d);
                return new EncryptionMaterials(suite, hit.DataKey, hit.EncryptedDataKeys, hit.EncryptionContext, cachedSigner);
            }
            if (plaintextLength is null) cache.RecordBypass();
        }

        // default-cmm.md: for a signed suite, a fresh signing key whose public half goes into a
        // copy of the encryption context under aws-crypto-public-key, before KMS sees the context.
        ECDsa? signer = MessageFormat.IsSigned(suite) ? EcdsaP384.NewKey() : null;
        try
        {
            var context = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in options.EncryptionContext) context.Add(k, v);
            ECParameters? signingKey = null;
            if (signer is not null)
            {
                var parameters = signer.ExportParameters(includePrivateParameters: true);
                context.Add(MessageFormat.PublicKeyContextKey, EcdsaP384.CompressedPublicKey(parameters));
                signingKey = parameters;
            }
            var generated = await generator.GenerateAsync(suite, context, ct).ConfigureAwait(false);
            cache?.RecordKmsCalls(generated.KmsCalls);
            if (cache is not null && cacheKey is not null && plaintextLength is long length)
            {
                cache.Put(cacheKey, new DataKeyCache.Entry
                {
                    DataKey = generated.DataKey,
                    Created = cache.Now,
                    KmsCalls = generated.KmsCalls,
                    EncryptedDataKeys = generated.EncryptedDataKeys,
                    EncryptionContext = context,
                    SigningKey = signingKey,
                }, length);
            }
            if (signingKey is { D: { } d }) CryptographicOperations.ZeroMemory(d);
            return new EncryptionMaterials(suite, generated.DataKey, generated.EncryptedDataKeys, context, signer);
        }
        catch
        {
            signer?.Dispose();
            throw;
        }
    }

    internal async Task<EnvelopeMessageInfo> DecryptCoreAsync(Stream input, Stream output, IDataKeyDecryptor decryptor,
        EnvelopeDecryptOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var settings = new DecryptSettings(Options.MaxEncryptedDataKeys, Options.MaxFrameLength, Options.BufferSize, Options.MaxDegreeOfParallelism,
            options.RequiredEncryptionContext ?? new Dictionary<string, string>(), options.Progress);
        var (header, length, keyArn) = await MessageDecryptor.DecryptAsync(input, output,
            (h, token) => GetDataKeyAsync(decryptor, h, token), settings, ct).ConfigureAwait(false);
        return Info(header, length, keyArn);
    }

    private async Task<RecoveredDataKey> GetDataKeyAsync(IDataKeyDecryptor decryptor, MessageHeader header, CancellationToken ct)
    {
        var cache = Options.Cache;
        string? cacheKey = null;
        if (cache is not null)
        {
            var edks = header.EncryptedDataKeys
                .Select(e => DataKeyCache.KeyOf(MessageFormat.StrictUtf8.GetBytes(e.ProviderId), e.ProviderInfo, e.Ciphertext))
                .Order(StringComparer.Ordinal);
            cacheKey = DataKeyCache.KeyOf("decrypt"u8.ToArray(), MessageFormat.StrictUtf8.GetBytes(decryptor.CacheIdentity),
                [(byte)((ushort)header.Suite >> 8), (byte)header.Suite], MessageFormat.StrictUtf8.GetBytes(string.Join(",", edks)),
                EncryptionContextCodec.Serialize(header.EncryptionContext));
            if (cache.TryUseForDecrypt(cacheKey) is { } hit)
                return new RecoveredDataKey(hit.DataKey, hit.KeyArn, 0);
        }
        var recovered = await decryptor.DecryptAsync(header.Suite, header.EncryptedDataKeys, header.EncryptionContext, ct).ConfigureAwait(false);
        if (cache is not null && cacheKey is not null)
        {
            cache.RecordKmsCalls(recovered.KmsCalls);
            cache.Put(cacheKey, new DataKeyCache.Entry
            {
                DataKey = recovered.DataKey,
                Created = cache.Now,
                KmsCalls = recovered.KmsCalls,
                KeyArn = recovered.KeyArn,
            }, 0);
        }
        return recovered;
    }

    private static EnvelopeMessageInfo Info(MessageHeader header, long length, string? keyArn) => new(
        header.MessageId.ToArray(),
        header.Suite,
        new SortedDictionary<string, string>((IDictionary<string, string>)new Dictionary<string, string>(header.EncryptionContext), StringComparer.Ordinal),
        [.. header.EncryptedDataKeys.Where(e => e.ProviderId == MessageFormat.AwsKmsProviderId).Select(e => e.ProviderInfoText ?? "")],
        header.FrameLength,
        length,
        keyArn);

    private static void ValidateKeyIds(IReadOnlyList<string>? keyIds)
    {
        if (keyIds is null || keyIds.Count == 0)
            throw new ArgumentException("At least one KMS key is needed to encrypt.", nameof(keyIds));
        foreach (var id in keyIds)
        {
            if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("A KMS key identifier is empty.", nameof(keyIds));
        }
    }
}
