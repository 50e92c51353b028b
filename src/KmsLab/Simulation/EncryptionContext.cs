using System.Buffers.Binary;
using System.Text;

namespace KmsLab.Simulation;

/// <summary>
/// The canonical byte form of an encryption context, used as AES-GCM additional authenticated
/// data. Pairs are sorted by key (ordinal, so matching is case-sensitive and order-free) and every
/// string is length-prefixed, so <c>{"ab":"c"}</c> and <c>{"a":"bc"}</c> can never collide —
/// the mistake that simulators which concatenate keys and values make.
/// </summary>
internal static class EncryptionContext
{
    public static byte[] Canonicalize(IReadOnlyDictionary<string, string>? context)
    {
        if (context is null || context.Count == 0) return [];
        var pairs = context.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        int size = 4;
        foreach (var (k, v) in pairs) size += 8 + Encoding.UTF8.GetByteCount(k) + Encoding.UTF8.GetByteCount(v);
        var buffer = new byte[size];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)pairs.Length);
        int offset = 4;
        foreach (var (k, v) in pairs)
        {
            offset += WriteString(span[offset..], k);
            offset += WriteString(span[offset..], v);
        }
        return buffer;
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        int written = Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)written);
        return 4 + written;
    }
}
