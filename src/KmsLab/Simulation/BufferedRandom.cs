using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>
/// Hands out bytes from a cryptographic generator in slices of a larger block. Every call to the
/// platform generator costs about a microsecond whatever its size, and the simulator needs a few
/// small random values per request (IVs, data keys, request IDs); drawing them from one block keeps
/// that cost off each call. The bytes are the generator's own, in order, each used once.
/// </summary>
internal sealed class BufferedRandom(RandomNumberGenerator source) : RandomNumberGenerator
{
    private const int BlockSize = 4096;
    private readonly byte[] _block = new byte[BlockSize];
    private readonly Lock _sync = new();
    private int _used = BlockSize;

    public override void GetBytes(byte[] data) => GetBytes(data.AsSpan());

    public override void GetBytes(byte[] data, int offset, int count) => GetBytes(data.AsSpan(offset, count));

    public override void GetBytes(Span<byte> data)
    {
        if (data.Length > BlockSize / 4)
        {
            source.GetBytes(data);
            return;
        }
        lock (_sync)
        {
            if (BlockSize - _used < data.Length)
            {
                source.GetBytes(_block);
                _used = 0;
            }
            var slice = _block.AsSpan(_used, data.Length);
            slice.CopyTo(data);
            CryptographicOperations.ZeroMemory(slice);
            _used += data.Length;
        }
    }

    public override void GetNonZeroBytes(byte[] data) => source.GetNonZeroBytes(data);

    public override void GetNonZeroBytes(Span<byte> data) => source.GetNonZeroBytes(data);
}
