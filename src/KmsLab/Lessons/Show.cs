using System.Globalization;
using System.Text;
using Amazon.KeyManagementService.Model;
using KmsLab.Audit;

namespace KmsLab.Lessons;

/// <summary>Rich displays for lessons: key metadata, ciphertext structure, audit events, tables.</summary>
public static class Show
{
    /// <summary>A KMS key's metadata as a card, each field with what it means.</summary>
    public static KeyView Key(KeyMetadata metadata) => new(metadata);

    /// <summary>A plain hex dump.</summary>
    public static HexDumpView Hex(byte[] bytes, string title = "Bytes") => new(title, bytes, [new HexRegion(0, bytes.Length, "bytes")]);

    /// <summary>A KMS ciphertext blob from the simulator, field by field (key ID, material ID, IV, tag, data).</summary>
    public static HexDumpView Ciphertext(byte[] ciphertextBlob) => HexDumpView.Ciphertext(ciphertextBlob);

    /// <summary>A KMS ciphertext blob from a response stream (read from its start, position restored).</summary>
    public static HexDumpView Ciphertext(MemoryStream ciphertextBlob) => HexDumpView.Ciphertext(ciphertextBlob.ToArray());

    /// <summary>An AWS Encryption SDK message (what envelope encryption writes), field by field.</summary>
    public static HexDumpView EnvelopeMessage(byte[] message) => HexDumpView.EnvelopeMessage(message);

    /// <summary>Audit events as a table: when, who, what, on which key, how it ended, via which service.</summary>
    public static TableView Audit(IEnumerable<AuditEvent> events, string? caption = null) => new(caption ?? "Audit trail (CloudTrail records)",
        ["time (UTC)", "who", "operation", "key", "result", "invoked by"],
        events.Select(e => (IReadOnlyList<string>)
        [
            e.EventTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            e.UserIdentity.UserName ?? e.UserIdentity.Arn.Split('/')[^1],
            e.EventName,
            e.ResourceArns.Count == 0 ? "" : ShortKey(e.ResourceArns[0]),
            e.Succeeded ? "ok" : e.ErrorCode!,
            e.UserIdentity.InvokedBy ?? "",
        ]));

    /// <summary>
    /// Facts of <see cref="KmsFacts"/> as a table: what each bounds, its value, the lessons that teach it
    /// and its source. With no names, every fact.
    /// </summary>
    public static TableView Facts(string? caption = null, params string[] names) => new(caption ?? "KMS facts (KmsFacts)",
        ["what", "number", "where you met it", "source"],
        (names.Length == 0 ? KmsFacts.All : names.Select(KmsFacts.Get)).Select(f => (IReadOnlyList<string>)
            [f.Meaning, f.DisplayWithUnit, f.Lessons.Length == 0 ? "—" : f.Lessons, f.Source]));

    /// <summary>Any rows as a table.</summary>
    public static TableView Table(string? caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows) => new(caption, headers, rows);

    /// <summary>A short form of a key ARN: the first 8 characters of its key ID.</summary>
    public static string ShortKey(string keyArnOrId)
    {
        var id = keyArnOrId.Contains('/', StringComparison.Ordinal) ? keyArnOrId[(keyArnOrId.LastIndexOf('/') + 1)..] : keyArnOrId;
        return id.Length > 8 ? id[..8] + "…" : id;
    }
}

/// <summary>A KMS key's metadata as a card, with a line on what each field means.</summary>
public sealed class KeyView : LessonView
{
    internal KeyView(KeyMetadata metadata) => Metadata = metadata;

    /// <summary>The metadata shown.</summary>
    public KeyMetadata Metadata { get; }

    private IEnumerable<(string Field, string Value, string Meaning)> Fields()
    {
        var m = Metadata;
        yield return ("KeyId", m.KeyId, "the key's unique ID (a UUID)");
        yield return ("Arn", m.Arn, "the key's full name: partition, service, Region, account, key ID");
        yield return ("Description", m.Description ?? "", "free text you choose");
        yield return ("CreationDate", m.CreationDate is { } c ? c.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "", "when KMS created it");
        yield return ("KeyState", m.KeyState?.Value ?? "", "Enabled, Disabled, PendingDeletion, PendingImport…");
        yield return ("Enabled", m.Enabled is { } e ? e.ToString() : "", "true only in state Enabled");
        yield return ("KeyUsage", m.KeyUsage?.Value ?? "", "what it can do: ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC");
        yield return ("KeySpec", m.KeySpec?.Value ?? "", "SYMMETRIC_DEFAULT is AES-256-GCM inside KMS");
        yield return ("Origin", m.Origin?.Value ?? "", "AWS_KMS: KMS made the material; EXTERNAL: you imported it");
        yield return ("KeyManager", m.KeyManager?.Value ?? "", "CUSTOMER: you manage it; AWS: an AWS managed key");
        yield return ("AWSAccountId", m.AWSAccountId, "the account that owns it");
        if (m.EncryptionAlgorithms is { Count: > 0 } algorithms) yield return ("EncryptionAlgorithms", string.Join(", ", algorithms), "algorithms it accepts");
        if (m.SigningAlgorithms is { Count: > 0 } signing) yield return ("SigningAlgorithms", string.Join(", ", signing), "algorithms it signs with");
        if (m.MacAlgorithms is { Count: > 0 } macs) yield return ("MacAlgorithms", string.Join(", ", macs), "HMAC algorithms");
        if (m.KeyAgreementAlgorithms is { Count: > 0 } agreement) yield return ("KeyAgreementAlgorithms", string.Join(", ", agreement), "how it derives a shared secret with a peer (DeriveSharedSecret)");
        if (m.EncapsulationAlgorithms is { Count: > 0 } kem) yield return ("EncapsulationAlgorithms", string.Join(", ", kem), "how a sender encapsulates a shared secret to it (ML-KEM)");
        if (m.ExpirationModel is { } model) yield return ("ExpirationModel", model.Value, "whether imported key material expires");
        if (m.ValidTo is { } validTo) yield return ("ValidTo", validTo.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture), "when imported key material expires");
        if (m.DeletionDate is { } d) yield return ("DeletionDate", d.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture), "when KMS deletes it, for good");
        if (m.PendingDeletionWindowInDays is { } w) yield return ("PendingDeletionWindowInDays", w.ToString(CultureInfo.InvariantCulture), "the waiting period (7–30 days)");
    }

    /// <inheritdoc />
    public override string ToPlainText()
    {
        var sb = new StringBuilder("KMS key").AppendLine();
        foreach (var (field, value, meaning) in Fields()) sb.AppendLine($"  {field,-28} {value}");
        sb.Append("  (no key material: it never leaves KMS)");
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToHtml()
    {
        var m = Metadata;
        var color = m.KeyState?.Value switch { "Enabled" => "#2e7d32", "Disabled" => "#757575", "PendingDeletion" => "#c62828", _ => "#ef6c00" };
        var sb = new StringBuilder();
        sb.Append("<div class=\"kmslab-key\" style=\"border:1px solid #bbb;border-radius:6px;padding:8px 12px;max-width:56em;font-size:13px;margin:4px 0\">");
        sb.Append($"<div style=\"font-weight:600;font-size:14px\">🔑 KMS key <span style=\"background:{color};color:white;border-radius:4px;padding:1px 6px;font-size:12px\">{E(m.KeyState?.Value)}</span></div>");
        sb.Append("<table style=\"border-collapse:collapse;margin-top:4px\">");
        foreach (var (field, value, meaning) in Fields())
        {
            sb.Append($"<tr><td style=\"padding:2px 8px;font-weight:600\">{E(field)}</td><td style=\"padding:2px 8px;font-family:monospace\">{E(value)}</td><td style=\"padding:2px 8px;color:#666\">{E(meaning)}</td></tr>");
        }
        sb.Append("</table><div style=\"color:#666;margin-top:4px\">No key material in sight: it never leaves KMS.</div></div>");
        return sb.ToString();
    }
}
