using System.Buffers;
using System.Security.Cryptography;

namespace KmsLab.Envelope.Internal;

/// <summary>
/// Reads a message from a stream through one reusable buffer, so that memory depends on the frame
/// length and not on the message length. Bytes are looked at with <see cref="Span"/> after
/// <see cref="FillAsync"/> guaranteed them, then consumed with <see cref="Advance"/>. When a hash
/// is attached, every consumed byte goes into it (in bulk, not field by field). The buffer comes
/// from <see cref="ArrayPool{T}.Shared"/> and goes back on <see cref="Dispose"/> (it holds only
/// ciphertext, so it is not zeroed).
/// </summary>
internal sealed class MessageReader : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;    // first unconsumed byte
    private int _end;      // end of the bytes read so far
    private int _hashedTo; // consumed bytes before this index are in the hash
    private bool _eof;
    private IncrementalHash? _hash;

    public MessageReader(Stream stream, int bufferSize)
    {
        _stream = stream;
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
        return _end - _start >= count;
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

    public void Dispose()
    {
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
