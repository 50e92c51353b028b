using System.Security.Cryptography;

namespace KmsLab.Envelope.Internal;

/// <summary>
/// Writes buffers to a stream in the background, one at a time and in order, so that the caller
/// can read and seal (or open) the next buffer meanwhile: double buffering. Writing a large file
/// costs about as much as the crypto (the kernel copies and allocates pages), so overlapping the
/// two is what brings file-to-file throughput near the slower of them instead of their sum.
/// </summary>
/// <remarks>
/// <para>Ownership: a buffer passed to <see cref="WriteAsync"/> belongs to the writer until the
/// next <see cref="WriteAsync"/> or <see cref="DrainAsync"/> returns; with two buffers used in
/// turn, the one about to be filled is always free.</para>
/// <para>Failure: a failed write surfaces from the next call, and nothing is written after it.
/// <see cref="DisposeAsync"/> waits for a write still in flight, so that the caller may zero or
/// reuse its buffers and no write outlives the operation; every background task is awaited, so
/// none ends with an unobserved exception.</para>
/// <para>The write runs on the thread pool even when the stream's <c>WriteAsync</c> completes
/// synchronously (<see cref="MemoryStream"/>, compressing or encrypting wrappers), so the overlap
/// does not depend on the stream. The stream is only ever used by one thread at a time.</para>
/// </remarks>
internal sealed class WriteBehind : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly IncrementalHash? _hash;
    private Task _inFlight = Task.CompletedTask;

    /// <param name="stream">Where the buffers go.</param>
    /// <param name="hash">
    /// Receives every buffer just before it is written. Hashing there takes it off the caller's
    /// thread: SHA-384 (the signed suite) is slower than AES-GCM on CPUs without SHA-512 instructions.
    /// </param>
    public WriteBehind(Stream stream, IncrementalHash? hash = null)
    {
        _stream = stream;
        _hash = hash;
    }

    /// <summary>
    /// Waits for the previous write (throwing if it failed), then starts writing
    /// <paramref name="data"/> and returns without waiting for it.
    /// </summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await DrainAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (data.IsEmpty) return;
        _inFlight = Task.Run(async () =>
        {
            _hash?.AppendData(data.Span);
            await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Waits until everything handed over has been written (throwing if a write failed).</summary>
    public async ValueTask DrainAsync()
    {
        var inFlight = _inFlight;
        _inFlight = Task.CompletedTask;
        await inFlight.ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for a write still in flight. Its failure is dropped: this runs only after a
    /// successful <see cref="DrainAsync"/> (nothing left to fail) or while the operation is
    /// already failing with an earlier exception, which is the one that matters.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await DrainAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Observed and dropped: see the summary.
        }
    }
}
