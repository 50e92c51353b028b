using System.Security.Cryptography;
using System.Text.Json;
using KmsLab.Envelope;
using KmsLab.Envelope.Internal;
using static KmsLab.Tests.Envelope.TestData;

namespace KmsLab.Tests.Envelope;

/// <summary>
/// Known answers computed elsewhere: by an independent Python implementation of the spec
/// (TestVectors/make-python-vectors.py) and by the official AWS Encryption SDK for JavaScript
/// (TestVectors/make-js-vectors.js). Not our encrypt checked against our decrypt.
/// </summary>
public class EnvelopeKnownAnswerTests
{
    private static readonly JsonDocument Python = Vectors("python-vectors.json");
    private static readonly JsonDocument Js = Vectors("js-vectors.json");

    public static TheoryData<int> HkdfCases() => [.. Enumerable.Range(0, Python.RootElement.GetProperty("hkdf").GetArrayLength())];
    public static TheoryData<int> PublicKeyCases() => [.. Enumerable.Range(0, Python.RootElement.GetProperty("publicKeys").GetArrayLength())];
    public static TheoryData<string> PythonMessages() => [.. Python.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("name").GetString()!)];
    public static TheoryData<string> JsMessages() => [.. Js.RootElement.GetProperty("vectors").EnumerateArray().Select(m => m.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(HkdfCases))]
    public void Hkdf_encryption_key_and_commit_key_match_independent_values(int index)
    {
        var v = Python.RootElement.GetProperty("hkdf")[index];
        var encryptionKey = new byte[32];
        var commitKey = new byte[32];
        KeyDerivation.Derive((AlgorithmSuite)v.GetProperty("suite").GetInt32(), Hex(v, "dataKey"), Hex(v, "messageId"), encryptionKey, commitKey);
        Assert.Equal(Hex(v, "encryptionKey"), encryptionKey);
        Assert.Equal(Hex(v, "commitKey"), commitKey);
    }

    [Theory]
    [MemberData(nameof(PublicKeyCases))]
    public void Compressed_P384_points_decode_and_encode_like_the_reference(int index)
    {
        var v = Python.RootElement.GetProperty("publicKeys")[index];
        using var key = EcdsaP384.ImportCompressedPublicKey(v.GetProperty("compressed").GetString()!);
        var q = key.ExportParameters(false).Q;
        Assert.Equal(Hex(v, "x"), q.X);
        Assert.Equal(Hex(v, "y"), q.Y);
        Assert.Equal(v.GetProperty("compressed").GetString(), EcdsaP384.CompressedPublicKey(key.ExportParameters(false)));
    }

    [Theory]
    [InlineData("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQ==")] // x = 1: not on the curve
    [InlineData("BAAA")]
    [InlineData("not base64!")]
    public void Invalid_public_keys_are_format_errors(string value)
    {
        Assert.Throws<EnvelopeFormatException>(() => EcdsaP384.ImportCompressedPublicKey(value));
    }

    [Theory]
    [MemberData(nameof(PythonMessages))]
    public async Task Messages_built_by_an_independent_implementation_decrypt(string name)
    {
        var v = Python.RootElement.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);
        var message = Convert.FromBase64String(v.GetProperty("message").GetString()!);
        var (plaintext, info) = await DecryptRawAsync(message, keys: new RawDataKeys());
        Assert.Equal(Hex(v, "plaintext"), plaintext);
        Assert.Equal(v.GetProperty("suite").GetInt32(), (int)info.AlgorithmSuite);
        Assert.Equal(v.GetProperty("frameLength").GetInt32(), info.FrameLength);
        Assert.Equal(Context(v), info.EncryptionContext);
    }

    [Theory]
    [MemberData(nameof(JsMessages))]
    public async Task Messages_written_by_the_official_JavaScript_SDK_decrypt(string name)
    {
        var root = Js.RootElement;
        var v = root.GetProperty("vectors").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);
        var unwrap = new RawAesUnwrap(root.GetProperty("keyNamespace").GetString()!, root.GetProperty("keyName").GetString()!, Hex(root, "wrappingKey"));
        var message = Convert.FromBase64String(v.GetProperty("message").GetString()!);
        var expected = new byte[v.GetProperty("plaintextLength").GetInt32()];
        for (int i = 0; i < expected.Length; i++) expected[i] = (byte)((i * 7 + 3) & 0xff);

        var (plaintext, info) = await DecryptRawAsync(message, keys: unwrap);
        Assert.Equal(expected, plaintext);
        Assert.Equal(v.GetProperty("suite").GetInt32(), (int)info.AlgorithmSuite);
        Assert.Equal(v.GetProperty("frameLength").GetInt32(), info.FrameLength);
        var context = Context(v);
        foreach (var (k, val) in context) Assert.Equal(val, info.EncryptionContext[k]);
        Assert.Equal(info.AlgorithmSuite == AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, info.EncryptionContext.ContainsKey("aws-crypto-public-key"));

        // The same vectors trickled through the streaming reader, and tampered.
        (plaintext, _) = await DecryptRawAsync(message, new EnvelopeClientOptions { BufferSize = 1024 }, unwrap, new TrickleStream(message, 5));
        Assert.Equal(expected, plaintext);
        var tampered = (byte[])message.Clone();
        tampered[^1] ^= 0x01;
        await Assert.ThrowsAnyAsync<EnvelopeException>(() => DecryptRawAsync(tampered, keys: unwrap));
    }

    /// <summary>
    /// Messages we write with the raw AES wrapping of the JS vectors; they round-trip here, and
    /// with KMSLAB_INTEROP_OUT=dir they are written out for TestVectors/check-js-decrypt.js, which
    /// decrypts them with the official SDK for JavaScript (a dev-time check).
    /// </summary>
    [Theory]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, 64, 1000)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 4096, 10_000)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 32, 96)]
    public async Task Our_messages_use_the_same_wrapping_as_the_JS_vectors(AlgorithmSuite suite, int frameLength, int length)
    {
        var root = Js.RootElement;
        string ns = root.GetProperty("keyNamespace").GetString()!, name = root.GetProperty("keyName").GetString()!;
        var wrappingKey = Hex(root, "wrappingKey");
        var plaintext = new byte[length];
        for (int i = 0; i < length; i++) plaintext[i] = (byte)((i * 7 + 3) & 0xff);
        var client = new EnvelopeClient((EnvelopeClientOptions?)null);
        using var output = new MemoryStream();
        await client.EncryptCoreAsync(new MemoryStream(plaintext), output, new RawAesWrap(ns, name, wrappingKey),
            Encrypt(suite, frameLength, new Dictionary<string, string> { ["written-by"] = "kmslab" }), default);
        var message = output.ToArray();
        Assert.Equal(plaintext, (await DecryptRawAsync(message, keys: new RawAesUnwrap(ns, name, wrappingKey))).Plaintext);
        if (Environment.GetEnvironmentVariable("KMSLAB_INTEROP_OUT") is { Length: > 0 } dir)
            File.WriteAllBytes(Path.Combine(dir, $"kmslab-{(ushort)suite:x4}-{frameLength}-{length}.bin"), message);
    }

    private static byte[] Hex(JsonElement e, string property) => Convert.FromHexString(e.GetProperty(property).GetString()!);

    private static SortedDictionary<string, string> Context(JsonElement v) =>
        new(v.GetProperty("encryptionContext").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!), StringComparer.Ordinal);

    [Fact]
    public void Frame_AAD_and_IV_layout()
    {
        var id = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var aad = MessageFormat.NewBodyAad(id, final: true);
        MessageFormat.SetBodyAad(aad, 3, 5);
        Assert.Equal([.. id, .. "AWSKMSEncryptionClient Final Frame"u8.ToArray(), 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 5], aad);
        var iv = new byte[12];
        MessageFormat.WriteFrameIv(iv, 0x01020304);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4 }, iv);
        _ = RandomNumberGenerator.GetBytes(1);
    }
}
