using System.Buffers.Binary;
using System.Security.Cryptography;
using KmsLab.Envelope;
using KmsLab.Envelope.Internal;
using static KmsLab.Tests.Envelope.TestData;

namespace KmsLab.Tests.Envelope;

/// <summary>
/// The read/crypto/write pipeline (input read ahead and output written behind while a buffer is
/// sealed or opened): the bytes do not depend on it, and failures, cancellation and the release
/// rules hold while a read or a write is in flight. Inputs and outputs here are slow on purpose,
/// so that reads and writes really overlap the crypto.
/// </summary>
public class EnvelopePipelineTests
{
    private const int Overhead = 4 + 12 + 16;

    /// <summary>Sizes on both sides of frame and buffer boundaries, for 1 KiB buffers (the smallest allowed).</summary>
    public static TheoryData<int, int, int> Boundaries()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int frameLength in new[] { 100, 256, 1000, 1024, 3000 })
        {
            // Frames per 1 KiB encrypt buffer, as MessageEncryptor computes it: at least one.
            int perBuffer = Math.Max(1, (1024 - 40) / (frameLength + Overhead));
            // Distinct: with large frames perBuffer is 1, and the same case would be listed twice.
            foreach (int frames in new[] { 0, 1, perBuffer, perBuffer + 1, 2 * perBuffer, 3 * perBuffer + 1 }.Distinct())
            {
                foreach (int delta in new[] { -1, 0, 1 })
                {
                    int size = frames * frameLength + delta;
                    if (size >= 0) data.Add(frameLength, size, frames % 2 == 0 ? 1 : 3);
                }
            }
        }
        return data;
    }

    /// <summary>Around the default 1 MiB buffers with 4 KiB frames (254 frames a buffer), where runs are long enough to go parallel.</summary>
    public static TheoryData<int, int, int> LargeBoundaries()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int frames in new[] { 254, 255, 508 })
        {
            foreach (int delta in new[] { -1, 0, 1 })
            {
                foreach (int parallelism in new[] { 1, 2 })
                    data.Add(4096, frames * 4096 + delta, parallelism);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public Task The_body_is_the_frame_by_frame_encoding_whatever_the_pipeline_and_parallelism(int frameLength, int size, int parallelism) =>
        EncryptCompareAndDecryptAsync(frameLength, size, parallelism, bufferSize: 1024, readChunk: 613);

    [Theory]
    [MemberData(nameof(LargeBoundaries))]
    public Task The_body_is_the_frame_by_frame_encoding_with_default_buffers(int frameLength, int size, int parallelism) =>
        EncryptCompareAndDecryptAsync(frameLength, size, parallelism, bufferSize: new EnvelopeClientOptions().BufferSize, readChunk: 300_000);

    private static async Task EncryptCompareAndDecryptAsync(int frameLength, int size, int parallelism, int bufferSize, int readChunk)
    {
        var plaintext = Pattern(size, frameLength);
        var clientOptions = new EnvelopeClientOptions { BufferSize = bufferSize, MaxDegreeOfParallelism = parallelism };
        var client = new KmsLab.Envelope.EnvelopeClient(clientOptions);
        await using var output = new SlowStream();
        var input = new SlowReadStream(plaintext, readChunk);
        await client.EncryptCoreAsync(input, output, new RawDataKeys(),
            Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, frameLength), default);
        var message = output.Written;
        Assert.False(output.Overlapped, "two writes were in flight at once");
        input.Close();
        Assert.False(input.Overlapped, "two reads were in flight at once");

        var expected = ReferenceBody(message, plaintext, frameLength);
        Assert.Equal(expected, message.AsSpan(message.Length - expected.Length).ToArray());

        await using var decrypted = new SlowStream();
        var encrypted = new SlowReadStream(message, readChunk + 384);
        await client.DecryptCoreAsync(encrypted, decrypted, new RawDataKeys(), EnvelopeDecryptOptions.Discovery(), default);
        Assert.Equal(plaintext, decrypted.Written);
        Assert.False(decrypted.Overlapped, "two writes were in flight at once");
        encrypted.Close();
        Assert.False(encrypted.Overlapped, "two reads were in flight at once");
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 4)]
    [InlineData(false, 1)]
    [InlineData(false, 4)]
    public async Task A_throwing_input_stream_fails_the_operation_and_no_read_outlives_it(bool encrypt, int failingRead)
    {
        var plaintext = Pattern(20_000);
        var message = await EncryptRawAsync(plaintext, Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 512));
        var client = new KmsLab.Envelope.EnvelopeClient(new EnvelopeClientOptions { BufferSize = 1024 });
        var input = new SlowReadStream(encrypt ? plaintext : message, 700) { FailOnRead = failingRead };
        await using var output = new SlowStream();
        var e = await Assert.ThrowsAsync<IOException>(() => encrypt
            ? client.EncryptCoreAsync(input, output, new RawDataKeys(), Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 512), default)
            : client.DecryptCoreAsync(input, output, new RawDataKeys(), EnvelopeDecryptOptions.Discovery(), default));
        Assert.Equal(SlowReadStream.FailureMessage, e.Message);
        input.Close(); // any read started after this point (a read ahead still running) is recorded
        await Task.Delay(20);
        Assert.Equal(failingRead, input.Reads);
        Assert.Equal(0, input.ReadsAfterClose);
        Assert.False(input.Overlapped, "two reads were in flight at once");
        if (!encrypt) Assert.Equal(plaintext.AsSpan(0, output.Written.Length).ToArray(), output.Written);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task The_signed_suite_hashes_the_body_written_behind(int parallelism)
    {
        var plaintext = Pattern(50_000, 5);
        var clientOptions = new EnvelopeClientOptions { BufferSize = 4096, MaxDegreeOfParallelism = parallelism };
        var client = new KmsLab.Envelope.EnvelopeClient(clientOptions);
        await using var output = new SlowStream();
        await client.EncryptCoreAsync(new MemoryStream(plaintext), output, new RawDataKeys(),
            Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 1000), default);
        var message = output.Written;
        var (decrypted, _) = await DecryptRawAsync(message, clientOptions); // verifies the signature over header and body
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public async Task A_failed_frame_mid_stream_releases_only_frames_verified_before_it_and_nothing_after_the_failure()
    {
        const int frameLength = 256;
        var plaintext = Pattern(40 * frameLength + 7);
        var message = await EncryptRawAsync(plaintext, Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, frameLength));
        int frame = Overhead + frameLength;
        int header = message.Length - (40 * frame + (4 + 4 + 12 + 4 + 7 + 16));
        message[header + 29 * frame + 16 + 3] ^= 0x20; // frame 30's ciphertext

        var client = new KmsLab.Envelope.EnvelopeClient(new EnvelopeClientOptions { BufferSize = 1024 });
        await using var output = new SlowStream();
        var e = await Assert.ThrowsAsync<EnvelopeAuthenticationException>(() =>
            client.DecryptCoreAsync(new MemoryStream(message), output, new RawDataKeys(), EnvelopeDecryptOptions.Discovery(), default));
        Assert.Contains("Frame 30 ", e.Message);
        int writes = output.Writes;
        var written = output.Written;
        Assert.True(written.Length > 0 && written.Length <= 29 * frameLength && written.Length % frameLength == 0, $"released {written.Length} bytes");
        Assert.Equal(plaintext.AsSpan(0, written.Length).ToArray(), written);
        await Task.Delay(50);
        Assert.Equal(writes, output.Writes); // no write was still in flight or started later
    }

    [Fact]
    public async Task The_final_frame_is_held_back_until_the_signature_verifies_even_with_writes_in_flight()
    {
        var plaintext = Pattern(10_000, 3);
        var message = await EncryptRawAsync(plaintext, Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 256));
        message[^5] ^= 0x01; // inside the signature
        var client = new KmsLab.Envelope.EnvelopeClient(new EnvelopeClientOptions { BufferSize = 1024 });
        await using var output = new SlowStream();
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(() =>
            client.DecryptCoreAsync(new MemoryStream(message), output, new RawDataKeys(), EnvelopeDecryptOptions.Discovery(), default));
        var written = output.Written;
        Assert.True(written.Length <= plaintext.Length - plaintext.Length % 256 && written.Length % 256 == 0, $"released {written.Length} bytes");
        Assert.Equal(plaintext.AsSpan(0, written.Length).ToArray(), written);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    [InlineData(false, 1)]
    [InlineData(false, 3)]
    public async Task A_throwing_output_stream_fails_the_operation_and_nothing_is_written_after_it(bool encrypt, int failingWrite)
    {
        var plaintext = Pattern(20_000);
        var message = await EncryptRawAsync(plaintext, Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 512));
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> watch = (_, args) =>
        {
            if (args.Exception.InnerExceptions.Any(x => x.Message == SlowStream.FailureMessage)) lock (unobserved) unobserved.Add(args.Exception);
        };
        TaskScheduler.UnobservedTaskException += watch;
        try
        {
            var client = new KmsLab.Envelope.EnvelopeClient(new EnvelopeClientOptions { BufferSize = 1024 });
            await using var output = new SlowStream { FailOnWrite = failingWrite };
            var input = new SlowReadStream(encrypt ? plaintext : message, 2000);
            var e = await Assert.ThrowsAsync<IOException>(() => encrypt
                ? client.EncryptCoreAsync(input, output, new RawDataKeys(), Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 512), default)
                : client.DecryptCoreAsync(input, output, new RawDataKeys(), EnvelopeDecryptOptions.Discovery(), default));
            Assert.Equal(SlowStream.FailureMessage, e.Message);
            Assert.Equal(0, output.WritesAfterFailure);
            Assert.Equal(failingWrite, output.Writes);
            input.Close(); // a read ahead still running when the operation returned would be recorded
            await Task.Delay(20);
            Assert.Equal(0, input.ReadsAfterClose);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.Empty(unobserved);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= watch;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cancellation_mid_stream_stops_the_pipeline(bool encrypt)
    {
        var plaintext = Pattern(30_000);
        var message = await EncryptRawAsync(plaintext, Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, 256));
        using var cancellation = new CancellationTokenSource();
        var client = new KmsLab.Envelope.EnvelopeClient(new EnvelopeClientOptions { BufferSize = 1024 });
        await using var output = new SlowStream { OnWrite = n => { if (n == 3) cancellation.Cancel(); } };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => encrypt
            ? client.EncryptCoreAsync(new MemoryStream(plaintext), output, new RawDataKeys(), Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, 256), cancellation.Token)
            : client.DecryptCoreAsync(new MemoryStream(message), output, new RawDataKeys(), EnvelopeDecryptOptions.Discovery(), cancellation.Token));
        Assert.Equal(3, output.Writes); // the write that saw the cancellation was the last one started
        if (!encrypt)
        {
            Assert.True(output.Written.Length % 256 == 0 && output.Written.Length < plaintext.Length);
            Assert.Equal(plaintext.AsSpan(0, output.Written.Length).ToArray(), output.Written);
        }
    }

    /// <summary>
    /// The message body (client-apis/encrypt.md, data-format/message-body.md) computed the plain
    /// way, one frame at a time with its own AesGcm, from the data key and message ID in the header.
    /// </summary>
    private static byte[] ReferenceBody(byte[] message, byte[] plaintext, int frameLength)
    {
        var suite = AlgorithmSuite.AesGcm256HkdfSha512CommitKey;
        var messageId = message.AsSpan(3, 32).ToArray();
        // Header with an empty context and one test-raw EDK, whose ciphertext is the data key itself.
        var dataKey = message.AsSpan(1 + 2 + 32 + 2 + 2 + (2 + 8 + 2 + 3 + 2), 32);
        var key = new byte[32];
        KeyDerivation.Derive(suite, dataKey, messageId, key, new byte[32]);
        using var aes = new AesGcm(key, 16);
        using var body = new MemoryStream();
        int regular = plaintext.Length == 0 ? 0 : (plaintext.Length - 1) / frameLength;
        for (int i = 0; i <= regular; i++)
        {
            bool final = i == regular;
            uint sequence = (uint)i + 1;
            var content = plaintext.AsSpan(i * frameLength, final ? plaintext.Length - i * frameLength : frameLength);
            var iv = new byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(iv.AsSpan(8), sequence);
            var aad = new List<byte>(messageId);
            aad.AddRange(System.Text.Encoding.ASCII.GetBytes(final ? "AWSKMSEncryptionClient Final Frame" : "AWSKMSEncryptionClient Frame"));
            aad.AddRange(BigEndian(sequence));
            aad.AddRange(BigEndian((ulong)content.Length));
            var ciphertext = new byte[content.Length];
            var tag = new byte[16];
            aes.Encrypt(iv, content, ciphertext, tag, aad.ToArray());
            if (final) body.Write(BigEndian(0xFFFF_FFFFu));
            body.Write(BigEndian(sequence));
            body.Write(iv);
            if (final) body.Write(BigEndian((uint)content.Length));
            body.Write(ciphertext);
            body.Write(tag);
        }
        return body.ToArray();
    }

    private static byte[] BigEndian(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }

    private static byte[] BigEndian(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }
}

/// <summary>
/// A read-only stream whose reads complete late and in uneven chunks (so a read ahead really
/// overlaps the crypto), that notices two reads in flight at once or a read after
/// <see cref="Stream.Close"/>, and can fail on a given read.
/// </summary>
internal sealed class SlowReadStream(byte[] data, int maxChunk) : ForwardOnlyStream
{
    public const string FailureMessage = "pipeline test: the disk went away";
    private int _pos;
    private int _active;
    private volatile bool _closed;

    /// <summary>The 1-based read that throws; 0 for none.</summary>
    public int FailOnRead { get; init; }

    public int Reads { get; private set; }
    public int ReadsAfterClose { get; private set; }
    public bool Overlapped { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_closed) ReadsAfterClose++;
        if (Interlocked.Increment(ref _active) > 1) Overlapped = true;
        try
        {
            int n = ++Reads;
            await Task.Delay(1, CancellationToken.None);
            if (n == FailOnRead) throw new IOException(FailureMessage);
            int count = Math.Min(Math.Min(buffer.Length, 1 + (n * 7919 % maxChunk)), data.Length - _pos);
            data.AsMemory(_pos, count).CopyTo(buffer);
            _pos += count;
            return count;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    protected override void Dispose(bool disposing) => _closed = true;
}

/// <summary>
/// A write-only stream whose writes complete late (so a pipeline really overlaps them), that
/// records what was written, notices two writes in flight at once, and can fail on a given write.
/// </summary>
internal sealed class SlowStream : Stream
{
    public const string FailureMessage = "pipeline test: the disk is full";
    private readonly MemoryStream _data = new();
    private int _active;
    private bool _failed;

    /// <summary>The 1-based write that throws; 0 for none.</summary>
    public int FailOnWrite { get; init; }

    /// <summary>Called with the 1-based number of each write as it starts.</summary>
    public Action<int>? OnWrite { get; init; }

    public int Writes { get; private set; }
    public int WritesAfterFailure { get; private set; }
    public bool Overlapped { get; private set; }

    public byte[] Written
    {
        get { lock (_data) return _data.ToArray(); }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _active) > 1) Overlapped = true;
        try
        {
            if (_failed) WritesAfterFailure++;
            int n = ++Writes;
            OnWrite?.Invoke(n);
            await Task.Delay(1, CancellationToken.None);
            if (n == FailOnWrite)
            {
                _failed = true;
                throw new IOException(FailureMessage);
            }
            lock (_data) _data.Write(buffer.Span);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
