using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Simulator;

public class CryptoTests
{
    private readonly TestLab _lab = new();
    private IAmazonKeyManagementService Kms => _lab.Kms;

    private async Task<byte[]> EncryptAsync(string keyId, byte[] plaintext, Dictionary<string, string>? context = null) =>
        (await Kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = Bytes.Stream(plaintext), EncryptionContext = context })).CiphertextBlob.ToArray();

    [Fact]
    public async Task Encrypt_accepts_4096_bytes_and_refuses_4097_with_AWS_message()
    {
        var key = await _lab.CreateKeyAsync();
        var blob = await EncryptAsync(key.KeyId, new byte[4096]);
        Assert.Equal(4096, (await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob) })).Plaintext.Length);

        var e = await KmsAssert.Validation(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream(new byte[4097]) }));
        Assert.Equal("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096", e.Message);
        await KmsAssert.Validation(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream([]) }), "Member must have length greater than or equal to 1");
        await KmsAssert.Validation(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId }), "Value null at 'plaintext'");
    }

    [Fact]
    public async Task Encrypt_and_Decrypt_return_the_key_ARN_and_the_algorithm()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/arn-check", TargetKeyId = key.KeyId });
        var encrypted = await Kms.EncryptAsync(new EncryptRequest { KeyId = "alias/arn-check", Plaintext = Bytes.Stream("hello") });
        Assert.Equal(key.Arn, encrypted.KeyId);
        Assert.Equal(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, encrypted.EncryptionAlgorithm);
        var decrypted = await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob });
        Assert.Equal(key.Arn, decrypted.KeyId);
        Assert.Equal(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, decrypted.EncryptionAlgorithm);
        Assert.Equal(key.CurrentKeyMaterialId, decrypted.KeyMaterialId);
        Assert.Equal("hello", Bytes.Text(decrypted.Plaintext));
    }

    [Fact]
    public async Task Two_encryptions_of_the_same_plaintext_differ()
    {
        var key = await _lab.CreateKeyAsync();
        var a = await EncryptAsync(key.KeyId, "same"u8.ToArray());
        var b = await EncryptAsync(key.KeyId, "same"u8.ToArray());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task The_ciphertext_blob_names_its_key_and_key_material_version()
    {
        var key = await _lab.CreateKeyAsync();
        var blob = await EncryptAsync(key.KeyId, "x"u8.ToArray());
        Assert.Equal("AQIDAH", Convert.ToBase64String(blob)[..6]); // real KMS's format bytes, 01 02 03 00 78
        Assert.Equal(key.CurrentKeyMaterialId, Convert.ToHexStringLower(blob.AsSpan(5, 32)));
        Assert.Equal(1, blob[37]);
        Assert.Equal(Guid.Parse(key.KeyId), new Guid(blob.AsSpan(38, 16), bigEndian: true));
        Assert.Equal(blob.Length - 58, (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(54, 4)));
    }

    [Fact]
    public async Task Decrypt_with_a_different_KeyId_is_IncorrectKeyException_and_with_the_right_one_succeeds()
    {
        var key = await _lab.CreateKeyAsync();
        var other = await _lab.CreateKeyAsync();
        var blob = await EncryptAsync(key.KeyId, "x"u8.ToArray());
        var e = await KmsAssert.Throws<IncorrectKeyException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), KeyId = other.KeyId }));
        Assert.Equal("The key ID in the request does not identify a CMK that can perform this operation.", e.Message);
        await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), KeyId = key.Arn });
        await KmsAssert.Throws<NotFoundException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), KeyId = "alias/none" }));
    }

    [Fact]
    public async Task Encryption_context_must_match_exactly_case_sensitively_in_any_order()
    {
        var key = await _lab.CreateKeyAsync();
        var context = new Dictionary<string, string> { ["department"] = "finance", ["purpose"] = "payroll" };
        var blob = await EncryptAsync(key.KeyId, "salaries"u8.ToArray(), context);

        var reordered = new Dictionary<string, string> { ["purpose"] = "payroll", ["department"] = "finance" };
        Assert.Equal("salaries", Bytes.Text((await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), EncryptionContext = reordered })).Plaintext));

        var wrong = new[]
        {
            new Dictionary<string, string>(),
            new Dictionary<string, string> { ["department"] = "finance" },
            new Dictionary<string, string> { ["department"] = "Finance", ["purpose"] = "payroll" },
            new Dictionary<string, string> { ["Department"] = "finance", ["purpose"] = "payroll" },
            new Dictionary<string, string> { ["department"] = "finance", ["purpose"] = "payroll", ["extra"] = "x" },
        };
        foreach (var candidate in wrong)
        {
            await KmsAssert.Throws<InvalidCiphertextException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), EncryptionContext = candidate }));
        }
    }

    [Theory]
    [InlineData("ab", "c", "a", "bc")]
    [InlineData("a", "b=c", "a=b", "c")]
    [InlineData("key", "", "ke", "y")]
    public async Task Encryption_context_serialisation_is_unambiguous(string k1, string v1, string k2, string v2)
    {
        var key = await _lab.CreateKeyAsync();
        var blob = await EncryptAsync(key.KeyId, "x"u8.ToArray(), new() { [k1] = v1 });
        await KmsAssert.Throws<InvalidCiphertextException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), EncryptionContext = new() { [k2] = v2 } }));
    }

    [Fact]
    public async Task Any_changed_byte_of_a_ciphertext_is_InvalidCiphertextException()
    {
        var key = await _lab.CreateKeyAsync();
        var blob = await EncryptAsync(key.KeyId, "tamper with me"u8.ToArray());
        for (int i = 0; i < blob.Length; i++)
        {
            var tampered = (byte[])blob.Clone();
            tampered[i] ^= 0x01;
            var e = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(tampered) }));
            Assert.True(e is InvalidCiphertextException, $"byte {i}: {e.ErrorCode}");
        }
        await KmsAssert.Throws<InvalidCiphertextException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob[..^1]) }));
        await KmsAssert.Throws<InvalidCiphertextException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(RandomNumberGenerator.GetBytes(200)) }));
        await KmsAssert.Throws<InvalidCiphertextException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream([1]) }));
        await KmsAssert.Validation(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(new byte[6145]) }), "Member must have length less than or equal to 6144");
        await KmsAssert.Validation(() => Kms.DecryptAsync(new DecryptRequest()), "Value null at 'ciphertextBlob'");
    }

    [Fact]
    public async Task A_ciphertext_from_another_lab_is_InvalidCiphertextException()
    {
        var key = await _lab.CreateKeyAsync();
        var blob = await EncryptAsync(key.KeyId, "x"u8.ToArray());
        var elsewhere = new TestLab();
        await KmsAssert.Throws<InvalidCiphertextException>(() => elsewhere.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob) }));
    }

    [Fact]
    public async Task Random_plaintexts_of_1_to_4096_bytes_with_random_contexts_round_trip()
    {
        var key = await _lab.CreateKeyAsync();
        var random = new Random(20261128); // seeded: a failure names its case and reproduces
        for (int i = 0; i < 150; i++)
        {
            int length = i switch { 0 => 1, 1 => 4096, _ => random.Next(1, 4097) };
            var plaintext = new byte[length];
            random.NextBytes(plaintext);
            var context = new Dictionary<string, string>();
            for (int p = random.Next(0, 5); p > 0; p--) context[RandomText(random)] = RandomText(random);

            var blob = await EncryptAsync(key.KeyId, plaintext, context);
            var decrypted = await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), EncryptionContext = context });
            Assert.True(plaintext.AsSpan().SequenceEqual(decrypted.Plaintext.ToArray()), $"case {i}: {length} bytes, {context.Count} context pairs");
            if (context.Count > 0)
            {
                var altered = new Dictionary<string, string>(context);
                var first = altered.Keys.First();
                altered[first] += "!";
                await KmsAssert.Throws<InvalidCiphertextException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), EncryptionContext = altered }));
            }
        }
    }

    [Fact]
    public async Task A_large_encryption_context_binds_the_ciphertext_as_a_small_one_does()
    {
        // Small contexts are authenticated from a buffer on the stack, large ones from the heap.
        var key = await _lab.CreateKeyAsync();
        var context = Enumerable.Range(0, 24).ToDictionary(i => $"department-{i:00}", i => new string((char)('a' + i), 40));
        var blob = await EncryptAsync(key.KeyId, "large context"u8.ToArray(), context);
        var decrypted = await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), EncryptionContext = context });
        Assert.Equal("large context"u8.ToArray(), decrypted.Plaintext.ToArray());
        var altered = new Dictionary<string, string>(context) { ["department-23"] = new string('#', 40) };
        await KmsAssert.Throws<InvalidCiphertextException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob), EncryptionContext = altered }));
    }

    private static string RandomText(Random random)
    {
        const string alphabet = "abcABC012=:,{}\" é€😀";
        var chars = Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]);
        return string.Concat(chars);
    }

    [Fact]
    public async Task ReEncrypt_moves_a_ciphertext_to_another_key_without_revealing_the_plaintext()
    {
        var source = await _lab.CreateKeyAsync();
        var destination = await _lab.CreateKeyAsync();
        var blob = await EncryptAsync(source.KeyId, "move me"u8.ToArray(), new() { ["a"] = "1" });

        var moved = await Kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = Bytes.Stream(blob),
            SourceEncryptionContext = new() { ["a"] = "1" },
            DestinationKeyId = destination.KeyId,
            DestinationEncryptionContext = new() { ["b"] = "2" },
        });
        Assert.Equal(source.Arn, moved.SourceKeyId);
        Assert.Equal(destination.Arn, moved.KeyId);
        Assert.Equal(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, moved.SourceEncryptionAlgorithm);
        Assert.Equal(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, moved.DestinationEncryptionAlgorithm);

        var decrypted = await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = moved.CiphertextBlob, EncryptionContext = new() { ["b"] = "2" } });
        Assert.Equal(destination.Arn, decrypted.KeyId);
        Assert.Equal("move me", Bytes.Text(decrypted.Plaintext));
        await KmsAssert.Throws<IncorrectKeyException>(() => Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(blob), SourceKeyId = destination.KeyId, SourceEncryptionContext = new() { ["a"] = "1" }, DestinationKeyId = destination.KeyId }));
        await KmsAssert.Throws<InvalidCiphertextException>(() => Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(blob), DestinationKeyId = destination.KeyId }));
        await KmsAssert.Validation(() => Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(blob) }), "Value null at 'destinationKeyId'");
    }

    [Fact]
    public async Task ReEncrypt_can_change_only_the_encryption_context()
    {
        var key = await _lab.CreateKeyAsync();
        var blob = await EncryptAsync(key.KeyId, "ctx"u8.ToArray(), new() { ["v"] = "1" });
        var moved = await Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(blob), SourceEncryptionContext = new() { ["v"] = "1" }, DestinationKeyId = key.KeyId, DestinationEncryptionContext = new() { ["v"] = "2" } });
        Assert.Equal("ctx", Bytes.Text((await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = moved.CiphertextBlob, EncryptionContext = new() { ["v"] = "2" } })).Plaintext));
    }

    [Theory]
    [InlineData("AES_256", null, 32)]
    [InlineData("AES_128", null, 16)]
    [InlineData(null, 1, 1)]
    [InlineData(null, 1024, 1024)]
    public async Task GenerateDataKey_returns_a_plaintext_key_and_the_same_key_encrypted(string? spec, int? bytes, int expected)
    {
        var key = await _lab.CreateKeyAsync();
        var context = new Dictionary<string, string> { ["file"] = "report.pdf" };
        var dataKey = await Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = spec, NumberOfBytes = bytes, EncryptionContext = context });
        Assert.Equal(key.Arn, dataKey.KeyId);
        Assert.Equal(expected, dataKey.Plaintext.Length);
        Assert.Equal(key.CurrentKeyMaterialId, dataKey.KeyMaterialId);
        var decrypted = await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob, EncryptionContext = context });
        Assert.Equal(dataKey.Plaintext.ToArray(), decrypted.Plaintext.ToArray());
    }

    [Fact]
    public async Task GenerateDataKey_needs_exactly_one_of_KeySpec_and_NumberOfBytes()
    {
        var key = await _lab.CreateKeyAsync();
        await KmsAssert.Validation(() => Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId }), "Please specify either number of bytes or key spec.");
        await KmsAssert.Validation(() => Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256, NumberOfBytes = 32 }), "Please specify either number of bytes or key spec.");
        int tooMany = 1025, none = 0;
        await KmsAssert.Validation(() => Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = tooMany }), "Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
        await KmsAssert.Validation(() => Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = none }), "greater than or equal to 1");
        await KmsAssert.Validation(() => Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = "AES_512" }), "Member must satisfy enum value set: [AES_256, AES_128]");
    }

    [Fact]
    public async Task GenerateDataKeyWithoutPlaintext_returns_only_the_encrypted_key()
    {
        var key = await _lab.CreateKeyAsync();
        var dataKey = await Kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
        Assert.Equal(key.Arn, dataKey.KeyId);
        Assert.Equal(32, (await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob })).Plaintext.Length);
    }

    [Fact]
    public async Task GenerateRandom_returns_1_to_1024_random_bytes()
    {
        var a = (await Kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 1024 })).Plaintext.ToArray();
        var b = (await Kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 1024 })).Plaintext.ToArray();
        Assert.Equal(1024, a.Length);
        Assert.NotEqual(a, b);
        Assert.Single((await Kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 1 })).Plaintext.ToArray());
        int tooMany = 1025;
        await KmsAssert.Validation(() => Kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = tooMany }), "less than or equal to 1024");
        await KmsAssert.Validation(() => Kms.GenerateRandomAsync(new GenerateRandomRequest()), "Value null at 'numberOfBytes'");
    }

    [Fact]
    public async Task Grant_tokens_are_limited_to_ten()
    {
        var key = await _lab.CreateKeyAsync();
        var tokens = Enumerable.Range(0, 11).Select(i => $"token{i}").ToList();
        await KmsAssert.Validation(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x"), GrantTokens = tokens }), "at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10");
    }

    [Fact]
    public async Task An_RSA_algorithm_on_a_symmetric_key_is_InvalidKeyUsageException()
    {
        var key = await _lab.CreateKeyAsync();
        await KmsAssert.Throws<InvalidKeyUsageException>(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x"), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 }));
    }
}
