using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using KmsLab.Envelope;
using KmsLab.Envelope.Internal;

namespace KmsLab.Tests.Envelope;

/// <summary>
/// A stand-in for the KMS step, for format and crypto tests: the "encrypted" data key is the data
/// key itself under provider ID <c>test-raw</c>. Counts its calls.
/// </summary>
internal sealed class RawDataKeys : IDataKeyGenerator, IDataKeyDecryptor
{
    public const string ProviderId = "test-raw";
    private readonly int _keys;
    public RawDataKeys(int keys = 1) => _keys = keys;

    public int Generated;
    public int Decrypted;
    public string CacheIdentity => "raw";

    public Task<GeneratedDataKey> GenerateAsync(AlgorithmSuite suite, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        Interlocked.Increment(ref Generated);
        var key = RandomNumberGenerator.GetBytes(32);
        var edks = Enumerable.Range(1, _keys).Select(i => new EncryptedDataKey(ProviderId, "key"u8.ToArray(), (byte[])key.Clone())).ToList();
        return Task.FromResult(new GeneratedDataKey(key, edks, _keys));
    }

    public Task<RecoveredDataKey> DecryptAsync(AlgorithmSuite suite, IReadOnlyList<EncryptedDataKey> encryptedDataKeys,
        IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        Interlocked.Increment(ref Decrypted);
        var edk = encryptedDataKeys.FirstOrDefault(e => e.ProviderId == ProviderId)
            ?? throw new EnvelopeException("no test-raw encrypted data key");
        return Task.FromResult(new RecoveredDataKey((byte[])edk.Ciphertext.Clone(), null, 1));
    }
}

/// <summary>
/// The raw AES keyring's unwrap step (framework/raw-aes-keyring.md), used only to read the vectors
/// made by the official SDK for JavaScript: provider info = key name || tag length in bits (u32)
/// || IV length (u32) || IV; ciphertext = wrapped key || tag; AAD = serialized encryption context.
/// </summary>
internal sealed class RawAesUnwrap(string keyNamespace, string keyName, byte[] wrappingKey) : IDataKeyDecryptor
{
    public string CacheIdentity => "raw-aes";

    public Task<RecoveredDataKey> DecryptAsync(AlgorithmSuite suite, IReadOnlyList<EncryptedDataKey> encryptedDataKeys,
        IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(keyName);
        foreach (var edk in encryptedDataKeys)
        {
            if (edk.ProviderId != keyNamespace || !edk.ProviderInfo.AsSpan().StartsWith(name)) continue;
            var info = edk.ProviderInfo.AsSpan(name.Length);
            int tagBits = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(info);
            int ivLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(info[4..]);
            var iv = info.Slice(8, ivLength);
            int tagLength = tagBits / 8;
            var ct2 = edk.Ciphertext.AsSpan(0, edk.Ciphertext.Length - tagLength);
            var tag = edk.Ciphertext.AsSpan(edk.Ciphertext.Length - tagLength);
            var key = new byte[ct2.Length];
            using var aes = new AesGcm(wrappingKey, tagLength);
            aes.Decrypt(iv, ct2, tag, key, EncryptionContextCodec.Serialize(encryptionContext));
            return Task.FromResult(new RecoveredDataKey(key, null, 0));
        }
        throw new EnvelopeException("no raw AES encrypted data key");
    }
}

/// <summary>A stream that can only be read forward: no seeking, no length, no writing.</summary>
internal abstract class ForwardOnlyStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A read-only stream that hands out at most a few bytes per read and cannot seek.</summary>
internal sealed class TrickleStream(byte[] data, int maxChunk = 7) : ForwardOnlyStream
{
    private int _pos;
    private int _turn;
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, 1 + (_turn++ % maxChunk)), data.Length - _pos);
        data.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));
}

internal static class TestData
{
    public static byte[] Pattern(int length, int seed = 0)
    {
        var b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte)(i * 31 + seed * 7 + (i >> 8));
        return b;
    }

    public static JsonDocument Vectors(string file, [CallerFilePath] string here = "") =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(here)!, "TestVectors", file)));

    public static EnvelopeEncryptOptions Encrypt(AlgorithmSuite suite, int frameLength = 4096, IReadOnlyDictionary<string, string>? context = null) => new()
    {
        KeyIds = ["unused"],
        AlgorithmSuite = suite,
        FrameLength = frameLength,
        EncryptionContext = context ?? new Dictionary<string, string>(),
    };

    public static async Task<byte[]> EncryptRawAsync(byte[] plaintext, EnvelopeEncryptOptions options, EnvelopeClientOptions? clientOptions = null, RawDataKeys? keys = null)
    {
        var client = new EnvelopeClient(clientOptions);
        using var output = new MemoryStream();
        await client.EncryptCoreAsync(new MemoryStream(plaintext), output, keys ?? new RawDataKeys(), options, default);
        return output.ToArray();
    }

    public static async Task<(byte[] Plaintext, EnvelopeMessageInfo Info)> DecryptRawAsync(byte[] message, EnvelopeClientOptions? clientOptions = null,
        IDataKeyDecryptor? keys = null, Stream? input = null, EnvelopeDecryptOptions? options = null)
    {
        var client = new EnvelopeClient(clientOptions);
        using var output = new MemoryStream();
        var info = await client.DecryptCoreAsync(input ?? new MemoryStream(message), output, keys ?? new RawDataKeys(), options ?? EnvelopeDecryptOptions.Discovery(), default);
        return (output.ToArray(), info);
    }

    public static readonly AlgorithmSuite[] Suites = [AlgorithmSuite.AesGcm256HkdfSha512CommitKey, AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384];
}

/// <summary>The raw AES keyring's wrap step, so that messages we write can be read by the official SDKs (see make-js-vectors.js).</summary>
internal sealed class RawAesWrap(string keyNamespace, string keyName, byte[] wrappingKey) : IDataKeyGenerator
{
    public string CacheIdentity => "raw-aes-wrap";

    public Task<GeneratedDataKey> GenerateAsync(AlgorithmSuite suite, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(12);
        var name = System.Text.Encoding.UTF8.GetBytes(keyName);
        var info = new byte[name.Length + 8 + 12];
        name.CopyTo(info, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(info.AsSpan(name.Length), 128);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(info.AsSpan(name.Length + 4), 12);
        iv.CopyTo(info, name.Length + 8);
        var wrapped = new byte[32 + 16];
        using var aes = new AesGcm(wrappingKey, 16);
        aes.Encrypt(iv, dataKey, wrapped.AsSpan(0, 32), wrapped.AsSpan(32), EncryptionContextCodec.Serialize(encryptionContext));
        return Task.FromResult(new GeneratedDataKey(dataKey, [new EncryptedDataKey(keyNamespace, info, wrapped)], 0));
    }
}
