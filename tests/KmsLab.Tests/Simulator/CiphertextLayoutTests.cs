using System.Buffers.Binary;
using System.Formats.Asn1;
using Amazon.KeyManagementService.Model;
using KmsLab.Simulation;
using KmsLab.Tests.Asymmetric;

namespace KmsLab.Tests.Simulator;

/// <summary>The simulator's symmetric ciphertext has real KMS's layout, so it is as long as AWS's.</summary>
public sealed class CiphertextLayoutTests
{
    // The AWS CLI Command Reference's "kms generate-data-key" example: a 32-byte data key's blob, in KMS's
    // older layout (01 01 in bytes 0–1: the header ends at byte 41, without the current layout's bytes 37–53).
    private const string DocumentedDataKeyBlob = "AQEDAHjRYf5WytIc0C857tFSnBaPn2F8DgfmThbJlGfR8P3WlwAAAH4wfAYJKoZIhvcNAQcGoG8wbQIBADBoBgkqhkiG9w0BBwEwHgYJYIZIAWUDBAEuMBEEDEFogLqPWZconQhwHAIBEIA7d9AC7GeJJM34njQvg4Wf1d5sw0NIo1MrBqZa+YdhV8MrkBQPeac0ReRVNDt9qleAt+SHgIRF8P0H+7U=";

    // The start of the "kms generate-data-key-pair" example's PrivateKeyCiphertextBlob (the current layout,
    // truncated by the page) and of its PrivateKeyPlaintext (30 82 06 fd: a 1793-byte PKCS #8 key).
    private const string DocumentedPrivateKeyBlobStart = "AQIDAHi6LtupRpdKl2aJTzkK6FbhOtQkMlQJJH3PdtHvS/y+hAFFxmiD134doUDzMGmfCEtcAAAHaTCCB2UGCSqGSIb3DQEHBqCC";
    private const string DocumentedPrivateKeyStart = "MIIG/QIBADANBgkqhkiG9w0BAQEFAASC";

    private readonly TestLab _t = new();

    private async Task<EncryptResponse> EncryptAsync(string keyId, int length) =>
        await _t.Kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = Bytes.Stream(new byte[length]) });

    [Fact]
    public async Task A_32_byte_data_key_blob_is_as_long_as_real_KMS_makes_it()
    {
        // The documented frame (after the older layout's 41-byte header) holds 11 + 32 bytes of ciphertext and the tag.
        var documented = Convert.FromBase64String(DocumentedDataKeyBlob);
        Assert.Equal(documented.Length - 41, (int)BinaryPrimitives.ReadUInt32BigEndian(documented.AsSpan(37, 4)));
        var frame = CmsEncryptedData.TryRead(documented.AsSpan(41));
        Assert.NotNull(frame);
        Assert.Equal(11 + 32 + 16, frame.Value.ContentLength);
        var (nonce, content) = ReadFrame(documented.AsMemory(41));
        Assert.Equal(12, nonce.Length);
        Assert.Equal(frame.Value.ContentLength, content.Length);

        // The current layout adds 17 header bytes (0x01 and 16 more) to the same frame: 184 bytes.
        var key = await _t.CreateKeyAsync();
        var dataKey = await _t.Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = "AES_256" });
        var blob = dataKey.CiphertextBlob.ToArray();
        Assert.Equal(58 + documented.Length - 41, blob.Length);
        Assert.Equal(KmsFacts.Aes256DataKeyCiphertextBlobBytes, blob.Length);
        Assert.Equal(documented.AsSpan(41, 17).ToArray(), blob.AsSpan(58, 17).ToArray()); // the frame up to the IV, byte for byte
    }

    [Fact]
    public async Task A_1793_byte_plaintext_gets_the_frame_length_of_the_documented_private_key_blob()
    {
        var documented = Convert.FromBase64String(DocumentedPrivateKeyBlobStart);
        var privateKey = Convert.FromBase64String(DocumentedPrivateKeyStart);
        int plaintextLength = 4 + BinaryPrimitives.ReadUInt16BigEndian(privateKey.AsSpan(2, 2));
        Assert.Equal(1793, plaintextLength);
        Assert.True(CiphertextBlob.HasHeaderFields(documented));

        var key = await _t.CreateKeyAsync();
        var blob = (await EncryptAsync(key.KeyId, plaintextLength)).CiphertextBlob.ToArray();
        Assert.Equal(documented.AsSpan(0, 5).ToArray(), blob.AsSpan(0, 5).ToArray());
        Assert.Equal(documented.AsSpan(54, 4).ToArray(), blob.AsSpan(54, 4).ToArray()); // 0x769: 1897 bytes of frame
        Assert.Equal(documented.AsSpan(58).ToArray(), blob.AsSpan(58, documented.Length - 58).ToArray());
    }

    [Fact]
    public async Task OpenSSL_reads_the_frame_as_CMS_EncryptedData_with_AES_256_GCM()
    {
        var key = await _t.CreateKeyAsync();
        var blob = (await EncryptAsync(key.KeyId, 10)).CiphertextBlob.ToArray();
        using var openssl = new OpenSsl();
        var parsed = openssl.RunOk("asn1parse", "-inform", "DER", "-in", openssl.Write("frame.der", blob[58..]));
        Assert.Contains(":pkcs7-encryptedData", parsed, StringComparison.Ordinal);
        Assert.Contains(":pkcs7-data", parsed, StringComparison.Ordinal);
        Assert.Contains(":aes-256-gcm", parsed, StringComparison.Ordinal);
        Assert.Matches(@"l=\s*12 prim:\s+OCTET STRING\s+\[HEX DUMP\]:[0-9A-F]{24}", parsed);
        Assert.Matches(@"INTEGER\s+:10", parsed);
        Assert.Matches(@"l=\s*37 prim:\s+cont \[ 0 \]", parsed); // 11 + 10 bytes of ciphertext, then the 16-byte tag
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(101)] // the content reaches 128 bytes: its length takes two bytes
    [InlineData(229)] // the content passes 255 bytes: three
    [InlineData(1024)]
    [InlineData(4096)]
    public async Task The_frame_is_the_DER_that_an_independent_ASN1_writer_makes(int length)
    {
        var key = await _t.CreateKeyAsync();
        var blob = (await EncryptAsync(key.KeyId, length)).CiphertextBlob.ToArray();
        Assert.Equal(CiphertextBlob.LengthFor(length), blob.Length);
        var (nonce, content) = ReadFrame(blob.AsMemory(58));
        Assert.Equal(11 + length + 16, content.Length);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.7.6");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.2.840.113549.1.7.1");
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier("2.16.840.1.101.3.4.1.46");
                        using (writer.PushSequence())
                        {
                            writer.WriteOctetString(nonce.Span);
                            writer.WriteInteger(16);
                        }
                    }
                    writer.WriteOctetString(content.Span, new Asn1Tag(TagClass.ContextSpecific, 0));
                }
            }
        }
        Assert.Equal(writer.Encode(), blob[58..]);
    }

    [Fact]
    public async Task Decrypt_refuses_a_frame_that_is_not_DER_as_a_ciphertext()
    {
        var key = await _t.CreateKeyAsync();
        var blob = (await EncryptAsync(key.KeyId, 10)).CiphertextBlob.ToArray();
        var longForm = blob.ToArray();
        longForm[59] = 0x81; // the ContentInfo's length in a longer form than DER allows
        Assert.Null(CmsEncryptedData.TryRead(longForm.AsSpan(58)));
        await KmsAssert.Code("InvalidCiphertextException", () => _t.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(longForm) }));
        var truncated = blob[..^1];
        await KmsAssert.Code("InvalidCiphertextException", () => _t.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(truncated) }));
    }

    /// <summary>The AES-GCM nonce and the encrypted content of a KMS ciphertext's CMS frame, read with the platform's ASN.1 reader.</summary>
    internal static (ReadOnlyMemory<byte> Nonce, ReadOnlyMemory<byte> Content) ReadFrame(ReadOnlyMemory<byte> frame)
    {
        var contentInfo = new AsnReader(frame, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal("1.2.840.113549.1.7.6", contentInfo.ReadObjectIdentifier());
        var encryptedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)).ReadSequence();
        Assert.True(encryptedData.TryReadInt32(out int version) && version == 0);
        var info = encryptedData.ReadSequence();
        Assert.Equal("1.2.840.113549.1.7.1", info.ReadObjectIdentifier());
        var algorithm = info.ReadSequence();
        Assert.Equal("2.16.840.1.101.3.4.1.46", algorithm.ReadObjectIdentifier());
        var parameters = algorithm.ReadSequence();
        var nonce = parameters.ReadOctetString();
        Assert.True(parameters.TryReadInt32(out int icvLength) && icvLength == 16);
        var content = info.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0));
        return (nonce, content);
    }
}
