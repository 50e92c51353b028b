namespace KmsLab.Envelope.Internal;

/// <summary>
/// Reads a stream's next block on the thread pool while the caller seals or opens the block
/// before it: double buffering on the input side, as <see cref="WriteBehind"/> is on the output
/// side. Reading a file costs the kernel a copy per byte; done alongside the crypto, it no longer
/// adds to it.
/// </summary>
/// <remarks>
/// <para>Ownership: the memory passed to <see cref="Start"/> belongs to the read until
/// <see cref="TakeAsync"/> returns. The stream is only ever used by one thread at a time: the
/// caller does not touch it while a read is in flight.</para>
/// <para>Failure: a failed read surfaces from <see cref="TakeAsync"/>. <see cref="DisposeAsync"/>
/// waits for a read still in flight, so that the caller may zero or return its buffers and no
/// read outlives the operation.</para>
/// </remarks>
internal sealed class ReadAhead(Stream stream) : IAsyncDisposable
{
    private Task<int>? _inFlight;

    /// <summary>Whether a read has been started and not yet taken.</summary>
    public bool Pending => _inFlight is not null;

    /// <summary>
    /// Starts reading into <paramref name="target"/> until at least <paramref name="minimumBytes"/>
    /// bytes have arrived or the stream ends.
    /// </summary>
    public void Start(Memory<byte> target, int minimumBytes, CancellationToken cancellationToken)
    {
        if (_inFlight is not null) throw new InvalidOperationException("A read is already in flight.");
        _inFlight = Task.Run(
            () => stream.ReadAtLeastAsync(target, minimumBytes, throwOnEndOfStream: false, cancellationToken).AsTask(),
            cancellationToken);
    }

    /// <summary>
    /// Waits for the read started last and returns how many bytes it read: fewer than the minimum
    /// asked only when the stream ended.
    /// </summary>
    public async ValueTask<int> TakeAsync()
    {
        var inFlight = _inFlight ?? throw new InvalidOperationException("No read is in flight.");
        _inFlight = null;
        return await inFlight.ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for a read still in flight. Its outcome is dropped: the operation is already ending,
    /// and when it fails, its own exception is the one that matters.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_inFlight is not { } inFlight) return;
        _inFlight = null;
        try
        {
            await inFlight.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Observed and dropped: see the summary.
        }
    }
}
