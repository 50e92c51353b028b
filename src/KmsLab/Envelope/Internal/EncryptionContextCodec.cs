using System.Buffers.Binary;

namespace KmsLab.Envelope.Internal;

/// <summary>
/// Encryption context serialization (framework/structures.md#serialization): u16 pair count, then
/// pairs of u16-length-prefixed UTF-8 key and value, sorted by the keys' UTF-8 bytes; an empty
/// context serializes to no bytes at all.
/// </summary>
internal static class EncryptionContextCodec
{
    public static byte[] Serialize(IReadOnlyDictionary<string, string> context)
    {
        if (context.Count == 0) return [];
        if (context.Count > ushort.MaxValue)
            throw new ArgumentException($"The encryption context has {context.Count} pairs; the message format allows at most {ushort.MaxValue}.");
        var pairs = new List<(byte[] Key, byte[] Value)>(context.Count);
        foreach (var (k, v) in context)
        {
            pairs.Add((Encode(k, "key"), Encode(v, $"value of '{k}'")));
        }
        pairs.Sort(static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        int length = 2;
        foreach (var (k, v) in pairs) length += 4 + k.Length + v.Length;
        if (length > ushort.MaxValue)
            throw new ArgumentException($"The serialized encryption context is {length} bytes; the message format allows at most {ushort.MaxValue}.");
        var result = new byte[length];
        var span = result.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)pairs.Count);
        int pos = 2;
        foreach (var (k, v) in pairs)
        {
            pos = WriteField(span, pos, k);
            pos = WriteField(span, pos, v);
        }
        return result;
    }

    private static byte[] Encode(string s, string what)
    {
        byte[] bytes;
        try { bytes = MessageFormat.StrictUtf8.GetBytes(s); }
        catch (System.Text.EncoderFallbackException e)
        {
            throw new ArgumentException($"Encryption context {what} is not valid Unicode text.", e);
        }
        if (bytes.Length > ushort.MaxValue)
            throw new ArgumentException($"Encryption context {what} is {bytes.Length} bytes of UTF-8; the message format allows at most {ushort.MaxValue}.");
        return bytes;
    }

    private static int WriteField(Span<byte> span, int pos, byte[] field)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[pos..], (ushort)field.Length);
        field.CopyTo(span[(pos + 2)..]);
        return pos + 2 + field.Length;
    }

    /// <summary>
    /// Parses a serialized (non-empty) context strictly: count &gt; 0, every length within bounds,
    /// strict UTF-8, keys strictly ascending (hence no duplicates), no bytes left over.
    /// </summary>
    public static SortedDictionary<string, string> Parse(ReadOnlySpan<byte> data)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (data.Length < 2) throw Bad("the encryption context is shorter than its pair count");
        int count = BinaryPrimitives.ReadUInt16BigEndian(data);
        if (count == 0) throw Bad("a non-empty encryption context must have at least one pair");
        int pos = 2;
        Range previousKey = default;
        for (int i = 0; i < count; i++)
        {
            var keyRange = ReadField(data, ref pos, "key");
            var valueRange = ReadField(data, ref pos, "value");
            var key = data[keyRange];
            var value = data[valueRange];
            if (i > 0 && data[previousKey].SequenceCompareTo(key) >= 0)
                throw Bad("encryption context keys are not sorted and unique");
            previousKey = keyRange;
            string k = Decode(key), v = Decode(value);
            result.Add(k, v);
        }
        if (pos != data.Length) throw Bad($"the encryption context has {data.Length - pos} bytes beyond its {count} pairs");
        return result;
    }

    private static Range ReadField(ReadOnlySpan<byte> data, ref int pos, string what)
    {
        if (data.Length - pos < 2) throw Bad($"an encryption context {what} length runs past the context");
        int len = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
        pos += 2;
        if (data.Length - pos < len) throw Bad($"an encryption context {what} runs past the context");
        var field = new Range(pos, pos + len);
        pos += len;
        return field;
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        try { return MessageFormat.StrictUtf8.GetString(bytes); }
        catch (System.Text.DecoderFallbackException) { throw Bad("the encryption context is not valid UTF-8"); }
    }

    private static EnvelopeFormatException Bad(string what) => new($"Malformed message header: {what}.");
}
