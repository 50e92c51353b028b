using System.Buffers;
using System.Security.Cryptography;

namespace KmsLab.Envelope.Internal;

/// <summary>
/// Reads a message from a stream through reusable buffers, so that memory depends on the frame
/// length and not on the message length. Bytes are looked at with <see cref="Span"/> after
/// <see cref="FillAsync"/> guaranteed them, then consumed with <see cref="Advance"/>. When a hash
/// is attached, every consumed byte goes into it (in bulk, not field by field).
/// </summary>
/// <remarks>
/// Once the caller knows its largest request (a frame), two buffers take turns: while the caller
/// opens the frames in one, the next part of the stream is read into the other in the background
/// (<see cref="ReadAhead"/>), after a reserved space at its start. When the caller needs
/// more bytes than are left, those few unconsumed bytes (less than one request, so they fit in the
/// reserve) move in front of the new data and the buffers swap. The buffers come from
/// <see cref="ArrayPool{T}.Shared"/> and go back on <see cref="DisposeAsync"/> (they hold only
/// ciphertext, so they are not zeroed).
/// </remarks>
internal sealed class MessageReader : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly ReadAhead _readAhead;
    private byte[] _buffer;
    private byte[]? _spare;   // being filled by the read ahead, from _reserve on
    private int _reserve;     // room kept at the start of _spare for the unconsumed bytes of _buffer; 0: no read ahead
    private int _start;       // first unconsumed byte
    private int _end;         // end of the bytes read so far
    private int _hashedTo;    // consumed bytes before this index are in the hash
    private bool _eof;
    private IncrementalHash? _hash;

    public MessageReader(Stream stream, int bufferSize)
    {
        _stream = stream;
        _readAhead = new ReadAhead(stream);
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    /// <summary>Bytes consumed so far: the offset in the message of the next byte.</summary>
    public long Position { get; private set; }

    public int Available => _end - _start;

    /// <summary>Attaches a hash that receives every byte consumed from now on.</summary>
    public void StartHashing(IncrementalHash hash)
    {
        _hash = hash;
        _hashedTo = _start;
    }

    /// <summary>Puts every consumed byte into the hash, and stops hashing.</summary>
    public void StopHashing()
    {
        FlushHash();
        _hash = null;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available; false if the stream ends first.</summary>
    public async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count) return true;
        if (_readAhead.Pending) await TakeReadAheadAsync().ConfigureAwait(false);
        if (_end - _start < count && !_eof) await ReadAsync(count, cancellationToken).ConfigureAwait(false);
        if (!_eof && _reserve > 0) StartReadAhead(cancellationToken);
        return _end - _start >= count;
    }

    /// <summary>Reads in the foreground until <paramref name="count"/> bytes are available or the stream ends.</summary>
    private async ValueTask ReadAsync(int count, CancellationToken cancellationToken)
    {
        if (_buffer.Length - _start < count)
        {
            FlushHash();
            if (_buffer.Length < count)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(count, (int)Math.Min(MessageFormat.MaxSupportedFrameLength + 1024L, 2L * _buffer.Length)));
                _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            else
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            }
            _end -= _start;
            _start = 0;
            _hashedTo = 0;
        }
        while (_end - _start < count && !_eof)
        {
            int n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0) _eof = true;
            _end += n;
        }
    }

    /// <summary>Starts reading the next part of the stream into the spare buffer, after the reserve.</summary>
    private void StartReadAhead(CancellationToken cancellationToken)
    {
        if (_spare is null || _spare.Length != _buffer.Length)
        {
            if (_spare is not null) ArrayPool<byte>.Shared.Return(_spare);
            _spare = ArrayPool<byte>.Shared.Rent(_buffer.Length);
        }
        // One byte is enough: a stream that delivers slowly (a pipe) is not waited on for a full buffer.
        _readAhead.Start(_spare.AsMemory(_reserve), 1, cancellationToken);
    }

    /// <summary>Takes the bytes read ahead: the unconsumed bytes go in front of them and the buffers swap.</summary>
    private async ValueTask TakeReadAheadAsync()
    {
        var spare = _spare!;
        int n = await _readAhead.TakeAsync().ConfigureAwait(false);
        if (n == 0) _eof = true;
        FlushHash();
        int left = _end - _start;
        if (left <= _reserve)
        {
            _buffer.AsSpan(_start, left).CopyTo(spare.AsSpan(_reserve - left));
            (_buffer, _spare) = (spare, _buffer);
            _start = _reserve - left;
            _end = _reserve + n;
        }
        else
        {
            // More unconsumed bytes than the reserve (a request larger than any before): append
            // the new bytes to the current buffer instead, growing it if needed.
            if (_buffer.Length < left + n)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(left + n);
                _buffer.AsSpan(_start, left).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            else
            {
                _buffer.AsSpan(_start, left).CopyTo(_buffer);
            }
            spare.AsSpan(_reserve, n).CopyTo(_buffer.AsSpan(left));
            _start = 0;
            _end = left + n;
        }
        _hashedTo = _start;
    }

    /// <summary>
    /// From the next fill on, reads ahead in the background. No request after this may be larger
    /// than <paramref name="largestRequest"/> for the read ahead to pay off (a larger one still works).
    /// </summary>
    public void EnableReadAhead(int largestRequest)
    {
        // The reserve is where a read in flight writes; it cannot move under it.
        if (_readAhead.Pending) throw new InvalidOperationException("The read ahead is already running.");
        _reserve = Math.Clamp(largestRequest, 1, _buffer.Length / 2);
    }

    /// <summary>True when every byte of the stream has been consumed.</summary>
    public async ValueTask<bool> AtEndAsync(CancellationToken cancellationToken) =>
        !await FillAsync(1, cancellationToken).ConfigureAwait(false);

    public ReadOnlySpan<byte> Span(int count) => _buffer.AsSpan(_start, count);

    /// <summary>The buffer and the offset of the first unconsumed byte (valid until the next fill).</summary>
    public (byte[] Buffer, int Offset) Buffer => (_buffer, _start);

    public void Advance(int count)
    {
        _start += count;
        Position += count;
    }

    public async ValueTask DisposeAsync()
    {
        // First the read in flight, which may still be writing into the spare buffer.
        await _readAhead.DisposeAsync().ConfigureAwait(false);
        if (_spare is not null) ArrayPool<byte>.Shared.Return(_spare);
        _spare = null;
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void FlushHash()
    {
        if (_hash is not null && _start > _hashedTo)
        {
            _hash.AppendData(_buffer, _hashedTo, _start - _hashedTo);
        }
        _hashedTo = _start;
    }
}
