using System.Buffers.Binary;
using System.Text;
using KmsLab.Simulation;

namespace KmsLab.Lessons;

/// <summary>A labelled part of a byte string in a <see cref="HexDumpView"/>.</summary>
/// <param name="Offset">Where the part starts.</param>
/// <param name="Length">How many bytes it has.</param>
/// <param name="Label">What the bytes are, e.g. <c>AES-GCM IV (12 bytes)</c>.</param>
/// <param name="Note">A value or remark shown in the legend, e.g. the key ID the bytes encode.</param>
public sealed record HexRegion(int Offset, int Length, string Label, string? Note = null);

/// <summary>
/// A hex dump whose bytes are coloured by what they are (header fields, IV, tag, ciphertext), with
/// a legend: the way to see that a "ciphertext" is a small structured message.
/// </summary>
public sealed class HexDumpView : LessonView
{
    private static readonly string[] Colors = ["#1565c0", "#6a1b9a", "#00838f", "#c62828", "#2e7d32", "#ef6c00", "#4e342e", "#ad1457", "#283593", "#558b2f"];

    /// <summary>Creates a dump of <paramref name="bytes"/> with the given regions (in order, not overlapping).</summary>
    public HexDumpView(string title, byte[] bytes, IReadOnlyList<HexRegion> regions, int maxBytesPerRegion = 96)
    {
        Title = title;
        Bytes = bytes;
        Regions = regions;
        MaxBytesPerRegion = maxBytesPerRegion;
    }

    /// <summary>The caption.</summary>
    public string Title { get; }

    /// <summary>The bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>The labelled parts.</summary>
    public IReadOnlyList<HexRegion> Regions { get; }

    /// <summary>Long regions are shown up to this many bytes, then elided.</summary>
    public int MaxBytesPerRegion { get; }

    /// <inheritdoc />
    public override string ToPlainText()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{Title} — {Bytes.Length} bytes");
        foreach (var r in Regions)
        {
            sb.Append($"  [{r.Offset,5}..{r.Offset + r.Length - 1,5}] {r.Length,5} B  {r.Label}");
            if (r.Note is not null) sb.Append($"  = {r.Note}");
            sb.AppendLine();
            var shown = Math.Min(r.Length, Math.Min(MaxBytesPerRegion, 32));
            if (shown > 0)
            {
                sb.Append("      ").Append(Hex(Bytes.AsSpan(r.Offset, shown)));
                if (shown < r.Length) sb.Append($" … (+{r.Length - shown} bytes)");
                sb.AppendLine();
            }
        }
        return sb.ToString().TrimEnd();
    }

    /// <inheritdoc />
    public override string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<div class=\"kmslab-hex\" style=\"font-size:13px;margin:4px 0\">");
        sb.Append($"<div style=\"font-weight:600\">{E(Title)} — {Bytes.Length} bytes</div>");
        sb.Append("<div style=\"font-family:monospace;line-height:1.6;word-break:break-all;max-width:52em\">");
        for (int i = 0; i < Regions.Count; i++)
        {
            var r = Regions[i];
            var color = Colors[i % Colors.Length];
            var shown = Math.Min(r.Length, MaxBytesPerRegion);
            sb.Append($"<span title=\"{E(r.Label)}\" style=\"color:{color}\">{Hex(Bytes.AsSpan(r.Offset, shown))}</span>");
            if (shown < r.Length) sb.Append($"<span style=\"color:{color}\"> … +{r.Length - shown} bytes </span>");
            sb.Append(' ');
        }
        sb.Append("</div><table style=\"border-collapse:collapse;margin-top:6px\">");
        for (int i = 0; i < Regions.Count; i++)
        {
            var r = Regions[i];
            var color = Colors[i % Colors.Length];
            sb.Append($"<tr><td style=\"padding:1px 8px\"><span style=\"display:inline-block;width:10px;height:10px;background:{color}\"></span></td>");
            sb.Append($"<td style=\"padding:1px 8px;font-family:monospace\">{r.Offset}–{r.Offset + r.Length - 1}</td><td style=\"padding:1px 8px\">{r.Length} B</td>");
            sb.Append($"<td style=\"padding:1px 8px\">{E(r.Label)}</td><td style=\"padding:1px 8px;font-family:monospace\">{E(r.Note)}</td></tr>");
        }
        return sb.Append("</table></div>").ToString();
    }

    internal static string Hex(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length * 3);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(bytes[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>A symmetric ciphertext blob in KMS's layout (the simulator's or real KMS's), field by field; a plain dump if it is not one.</summary>
    internal static HexDumpView Ciphertext(byte[] blob)
    {
        if (CiphertextBlob.Frame(blob) is not { } frame)
        {
            return new HexDumpView("Ciphertext (not in KMS's symmetric layout)", blob, [new HexRegion(0, blob.Length, "opaque bytes")]);
        }
        int cms = CiphertextBlob.HeaderLength;
        int sealedData = cms + frame.ContentOffset + CiphertextBlob.InnerPrefixLength;
        int tag = blob.Length - CiphertextBlob.TagLength;
        var regions = new List<HexRegion>
        {
            new(0, CiphertextBlob.MaterialIdOffset, "format", Hex(blob.AsSpan(0, CiphertextBlob.MaterialIdOffset))),
            new(CiphertextBlob.MaterialIdOffset, KeyMaterial.IdLength, "backing key ID (simulator: the key material ID, which rotation of the key)", Convert.ToHexStringLower(blob.AsSpan(CiphertextBlob.MaterialIdOffset, 8)) + "…"),
            new(CiphertextBlob.KeyIdOffset - 1, 1, "marker", "0x01"),
            new(CiphertextBlob.KeyIdOffset, CiphertextBlob.KeyIdLength, "KMS key ID (simulator; undocumented in real KMS)", new Guid(blob.AsSpan(CiphertextBlob.KeyIdOffset, CiphertextBlob.KeyIdLength), bigEndian: true).ToString("D")),
            new(cms - 4, 4, "length of the CMS frame that follows", (blob.Length - cms).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(cms, frame.NonceOffset, "CMS EncryptedData, AES-256-GCM (DER)"),
            new(cms + frame.NonceOffset, CiphertextBlob.IvLength, "AES-GCM IV (fresh each time)"),
            new(cms + frame.NonceOffset + CiphertextBlob.IvLength, frame.ContentOffset - frame.NonceOffset - CiphertextBlob.IvLength, "tag length 16, start of the encrypted content (DER)"),
            new(sealedData - CiphertextBlob.InnerPrefixLength, CiphertextBlob.InnerPrefixLength, "11 bytes KMS encrypts before the plaintext"),
            new(sealedData, tag - sealedData, "encrypted data (same length as the plaintext)"),
            new(tag, CiphertextBlob.TagLength, "AES-GCM authentication tag"),
        };
        return new HexDumpView("KMS ciphertext blob", blob, regions);
    }

    /// <summary>An AWS Encryption SDK message (version 2 header), field by field.</summary>
    internal static HexDumpView EnvelopeMessage(byte[] message)
    {
        var regions = new List<HexRegion>();
        try
        {
            int o = 0;
            void Add(int length, string label, string? note = null)
            {
                if (o + length > message.Length) throw new FormatException();
                regions.Add(new HexRegion(o, length, label, note));
                o += length;
            }
            ushort U16(int at) => BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(at, 2));
            if (message.Length < 1 || message[0] != 2) throw new FormatException();
            Add(1, "message format version", "0x02");
            Add(2, "algorithm suite ID", $"0x{U16(o):X4}");
            Add(32, "message ID (random)");
            int aadLength = U16(o);
            Add(2, "encryption context length", aadLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (aadLength > 0) Add(aadLength, "encryption context (key/value pairs)");
            int edks = U16(o);
            Add(2, "encrypted data key count", edks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (int i = 0; i < edks; i++)
            {
                int providerLength = U16(o);
                var provider = Encoding.UTF8.GetString(message, o + 2, providerLength);
                Add(2 + providerLength, "key provider ID", provider);
                int infoLength = U16(o);
                var info = Encoding.UTF8.GetString(message, o + 2, infoLength);
                Add(2 + infoLength, "key provider info (the KMS key ARN)", info);
                int keyLength = U16(o);
                Add(2 + keyLength, "encrypted data key (a KMS ciphertext blob)", $"{keyLength} bytes");
            }
            Add(1, "content type", message[o] == 2 ? "framed" : "non-framed");
            Add(4, "frame length", BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(o, 4)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add(32, "algorithm suite data (key commitment)");
            Add(16, "header authentication tag");
            if (o < message.Length) Add(message.Length - o, "body: frames (sequence number, IV, encrypted content, tag) and footer (signature)");
        }
        catch (FormatException)
        {
            regions.Clear();
            regions.Add(new HexRegion(0, message.Length, "not an AWS Encryption SDK v2 message"));
        }
        catch (ArgumentException)
        {
            regions.Clear();
            regions.Add(new HexRegion(0, message.Length, "not an AWS Encryption SDK v2 message"));
        }
        return new HexDumpView("AWS Encryption SDK message", message, regions, maxBytesPerRegion: 48);
    }
}
