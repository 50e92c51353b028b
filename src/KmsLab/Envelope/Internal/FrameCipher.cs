using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KmsLab.Envelope.Internal;

/// <summary>
/// Seals and opens runs of regular frames, on several cores when the run is long enough. Each
/// worker owns an <see cref="AesGcm"/> (not thread-safe) and an AAD buffer; frames have fixed
/// sizes, so every worker knows where its frames are and where their output goes, and the bytes
/// produced do not depend on the number of workers.
/// </summary>
internal sealed class FrameCipher : IDisposable
{
    public const int RegularOverhead = 4 + MessageFormat.IvLength + MessageFormat.TagLength;
    private const int MinBytesPerWorker = 128 * 1024;

    private readonly AesGcm[] _aes;
    private readonly byte[][] _aad;
    private readonly int _frameLength;

    public FrameCipher(byte[] encryptionKey, byte[] messageId, int frameLength, int maxDegreeOfParallelism)
    {
        _frameLength = frameLength;
        int workers = Math.Max(1, maxDegreeOfParallelism);
        _aes = new AesGcm[workers];
        _aad = new byte[workers][];
        for (int i = 0; i < workers; i++)
        {
            _aes[i] = new AesGcm(encryptionKey, MessageFormat.TagLength);
            _aad[i] = MessageFormat.NewBodyAad(messageId, final: false);
        }
    }

    /// <summary>The first worker's cipher, for the header tag and the final frame.</summary>
    public AesGcm Primary => _aes[0];

    private int WorkersFor(int frames) =>
        (int)Math.Clamp((long)frames * _frameLength / MinBytesPerWorker, 1, Math.Min(_aes.Length, frames));

    /// <summary>
    /// Encrypts <paramref name="frames"/> regular frames of plaintext starting at
    /// <paramref name="inOffset"/> into serialized frames (sequence number, IV, ciphertext, tag)
    /// starting at <paramref name="outOffset"/>.
    /// </summary>
    public void Seal(byte[] input, int inOffset, int frames, uint firstSequence, byte[] output, int outOffset)
    {
        int workers = WorkersFor(frames);
        if (workers == 1)
        {
            SealRange(0, input, inOffset, 0, frames, firstSequence, output, outOffset);
            return;
        }
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            SealRange(w, input, inOffset, (int)((long)frames * w / workers), (int)((long)frames * (w + 1) / workers), firstSequence, output, outOffset));
    }

    private void SealRange(int worker, byte[] input, int inOffset, int from, int to, uint firstSequence, byte[] output, int outOffset)
    {
        var aes = _aes[worker];
        var aad = _aad[worker];
        int f = _frameLength;
        for (int i = from; i < to; i++)
        {
            uint seq = firstSequence + (uint)i;
            var frame = output.AsSpan(outOffset + i * (f + RegularOverhead), f + RegularOverhead);
            BinaryPrimitives.WriteUInt32BigEndian(frame, seq);
            var iv = frame.Slice(4, MessageFormat.IvLength);
            MessageFormat.WriteFrameIv(iv, seq);
            MessageFormat.SetBodyAad(aad, seq, f);
            aes.Encrypt(iv, input.AsSpan(inOffset + i * f, f), frame.Slice(16, f), frame[(16 + f)..], aad);
        }
    }

    /// <summary>
    /// Authenticates and decrypts <paramref name="frames"/> serialized regular frames (already
    /// checked for sequence numbers and IVs) into consecutive plaintext at
    /// <paramref name="outOffset"/>. Returns the index of the first frame whose tag failed, or -1;
    /// on failure every plaintext byte of the run is zeroed.
    /// </summary>
    public int Open(byte[] input, int inOffset, int frames, uint firstSequence, byte[] output, int outOffset)
    {
        int workers = WorkersFor(frames);
        int firstFailure = int.MaxValue;
        if (workers == 1)
        {
            firstFailure = OpenRange(0, input, inOffset, 0, frames, firstSequence, output, outOffset);
        }
        else
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            {
                int failed = OpenRange(w, input, inOffset, (int)((long)frames * w / workers), (int)((long)frames * (w + 1) / workers), firstSequence, output, outOffset);
                int seen;
                while (failed < (seen = Volatile.Read(ref firstFailure)) && Interlocked.CompareExchange(ref firstFailure, failed, seen) != seen) { }
            });
        }
        if (firstFailure == int.MaxValue) return -1;
        CryptographicOperations.ZeroMemory(output.AsSpan(outOffset, frames * _frameLength));
        return firstFailure;
    }

    private int OpenRange(int worker, byte[] input, int inOffset, int from, int to, uint firstSequence, byte[] output, int outOffset)
    {
        var aes = _aes[worker];
        var aad = _aad[worker];
        int f = _frameLength;
        for (int i = from; i < to; i++)
        {
            uint seq = firstSequence + (uint)i;
            var frame = input.AsSpan(inOffset + i * (f + RegularOverhead), f + RegularOverhead);
            MessageFormat.SetBodyAad(aad, seq, f);
            try
            {
                aes.Decrypt(frame.Slice(4, MessageFormat.IvLength), frame.Slice(16, f), frame[(16 + f)..], output.AsSpan(outOffset + i * f, f), aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                // decrypt.md: MUST halt and fail; AesGcm has zeroed this frame's plaintext.
                return i;
            }
        }
        return int.MaxValue;
    }

    public void Dispose()
    {
        foreach (var aes in _aes) aes.Dispose();
    }
}
