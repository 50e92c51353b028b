using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KmsLab.Protocol;
using KmsLab.Simulation;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Identity;

namespace KmsLab.Services;

/// <summary>How a bucket encrypts new objects: SSE-KMS with a key (null: the AWS managed key <c>aws/s3</c>) and, optionally, an S3 Bucket Key.</summary>
/// <param name="KmsKeyId">The KMS key for new objects (ID, ARN or alias); null for <c>alias/aws/s3</c>.</param>
/// <param name="BucketKeyEnabled">Use a time-limited bucket-level key from KMS instead of one KMS request per object.</param>
public sealed record S3BucketEncryption(string? KmsKeyId = null, bool BucketKeyEnabled = false);

/// <summary>What S3 records about an object's encryption (as HeadObject's <c>x-amz-server-side-encryption-*</c> headers tell).</summary>
/// <param name="Key">The object key.</param>
/// <param name="Size">Plaintext size in bytes.</param>
/// <param name="KmsKeyArn">The KMS key that protects the object's data key.</param>
/// <param name="BucketKeyEnabled">Whether a bucket key protected it.</param>
/// <param name="EncryptionContext">The encryption context S3 sent to KMS for it.</param>
public sealed record S3ObjectInfo(string Key, long Size, string KmsKeyArn, bool BucketKeyEnabled, IReadOnlyDictionary<string, string> EncryptionContext);

/// <summary>An S3 request that failed, with S3's error code (<c>AccessDenied</c>, <c>KMS.DisabledException</c>, <c>NoSuchKey</c>…).</summary>
public sealed class S3Exception(string errorCode, string message, string? kmsErrorCode = null) : SimulatedServiceException(errorCode, message, kmsErrorCode);

/// <summary>
/// A small simulated S3 bucket inside the lab, to see how an AWS service uses your KMS keys on
/// your behalf (SSE-KMS): on PutObject it calls KMS <c>GenerateDataKey</c> with encryption context
/// <c>aws:s3:arn</c> = the object's ARN and encrypts the object with the data key; on GetObject it
/// calls <c>Decrypt</c>. The calls are made as the requesting principal with
/// <c>kms:ViaService = s3.&lt;region&gt;.amazonaws.com</c>, and appear in the lab's audit trail with
/// <c>invokedBy: s3.amazonaws.com</c>. With a bucket key, S3 asks KMS for a bucket-level key
/// (context: the bucket's ARN) to write with, and the first read of an object under it asks KMS to
/// Decrypt that key; each is reused for <see cref="BucketKeyLifetime"/> and S3 derives each
/// object's key itself, so most requests never reach KMS. Writing and reading are separate paths in
/// S3: the key a write generated is not reused to read.
/// </summary>
/// <remarks>
/// Only the KMS side is simulated: every lab principal may use the bucket (there are no S3 IAM
/// permissions), objects live in memory, and S3's own formats are not reproduced. How long real S3
/// keeps a bucket key is not documented; the simulator uses one hour of lab time.
/// </remarks>
public sealed class SimulatedS3Bucket
{
    /// <summary>How long the simulator reuses a bucket-level key (lab time).</summary>
    public static readonly TimeSpan BucketKeyLifetime = TimeSpan.FromHours(1);

    private readonly Lab _lab;
    private readonly ServiceKmsCalls _kms;
    private readonly Dictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedKey> _bucketKeys = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();
    private CachedKey? _currentBucketKey;

    internal SimulatedS3Bucket(Lab lab, string name, S3BucketEncryption encryption)
    {
        if (name.Length is < 3 or > 63 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
        {
            throw new ArgumentException($"'{name}' is not a valid S3 bucket name: 3–63 lowercase letters, digits, '-' and '.'.", nameof(name));
        }
        _lab = lab;
        _kms = new ServiceKmsCalls(lab, "s3");
        Name = name;
        Encryption = encryption;
    }

    /// <summary>The bucket's name.</summary>
    public string Name { get; }

    /// <summary>The bucket's ARN, <c>arn:aws:s3:::name</c>.</summary>
    public string Arn => $"arn:aws:s3:::{Name}";

    /// <summary>The Region the bucket (and the KMS it calls) is in.</summary>
    public string Region => _lab.DefaultRegion.SystemName;

    /// <summary>The <c>kms:ViaService</c> value of this bucket's KMS calls.</summary>
    public string ViaService => _kms.ViaService;

    /// <summary>How new objects are encrypted. Changing it affects only objects written afterwards.</summary>
    public S3BucketEncryption Encryption
    {
        get { lock (_sync) return _encryption; }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (_sync)
            {
                _encryption = value;
                _currentBucketKey = null;
            }
        }
    }

    private S3BucketEncryption _encryption = new();

    /// <summary>KMS requests this bucket has made so far.</summary>
    public int KmsRequests => _kms.Requests;

    /// <summary>The object keys in the bucket.</summary>
    public IReadOnlyList<string> Keys
    {
        get { lock (_sync) return [.. _objects.Keys.Order(StringComparer.Ordinal)]; }
    }

    /// <summary>Stores an object, encrypted with SSE-KMS, as <paramref name="principal"/> (a lab user name or ARN; default the administrator).</summary>
    /// <exception cref="S3Exception">KMS refused (e.g. <c>AccessDenied</c> when the key policy does not let the principal use the key through S3).</exception>
    public Task PutObjectAsync(string key, byte[] data, string? principal = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(data);
        var caller = _kms.Caller(principal);
        lock (_sync)
        {
            var encryption = _encryption;
            var kmsKeyId = encryption.KmsKeyId ?? "alias/aws/s3";
            if (encryption.KmsKeyId is null) _lab.Engine.EnsureAwsManagedKey(_lab.AccountId, Region, "s3");
            byte[] objectKey;
            StoredObject stored;
            var nonce = RandomNumberGenerator.GetBytes(12);
            if (encryption.BucketKeyEnabled)
            {
                var now = _lab.Clock.GetUtcNow();
                if (_currentBucketKey is null || now - _currentBucketKey.Created >= BucketKeyLifetime || _currentBucketKey.KmsKeyId != kmsKeyId)
                {
                    var context = new Dictionary<string, string> { ["aws:s3:arn"] = Arn };
                    var generated = Call(caller, "GenerateDataKey", new GenerateDataKeyRequest { KeyId = kmsKeyId, KeySpec = "AES_256", EncryptionContext = context },
                        KmsJsonContext.Default.GenerateDataKeyRequest, KmsJsonContext.Default.GenerateDataKeyResponse);
                    _currentBucketKey = new CachedKey(generated.Plaintext!, generated.CiphertextBlob!, generated.KeyId!, kmsKeyId, now);
                }
                var salt = RandomNumberGenerator.GetBytes(32);
                objectKey = DeriveObjectKey(_currentBucketKey.DataKey, salt, key);
                stored = new StoredObject(nonce, [], _currentBucketKey.EncryptedKey, _currentBucketKey.KeyArn, true, salt, data.Length,
                    new Dictionary<string, string> { ["aws:s3:arn"] = Arn });
            }
            else
            {
                var context = new Dictionary<string, string> { ["aws:s3:arn"] = $"{Arn}/{key}" };
                var generated = Call(caller, "GenerateDataKey", new GenerateDataKeyRequest { KeyId = kmsKeyId, KeySpec = "AES_256", EncryptionContext = context },
                    KmsJsonContext.Default.GenerateDataKeyRequest, KmsJsonContext.Default.GenerateDataKeyResponse);
                objectKey = generated.Plaintext!;
                stored = new StoredObject(nonce, [], generated.CiphertextBlob!, generated.KeyId!, false, null, data.Length, context);
            }
            try
            {
                var sealedData = new byte[data.Length + 16];
                using (var aes = new AesGcm(objectKey, 16))
                {
                    aes.Encrypt(nonce, data, sealedData.AsSpan(0, data.Length), sealedData.AsSpan(data.Length), Encoding.UTF8.GetBytes($"{Arn}/{key}"));
                }
                _objects[key] = stored with { Ciphertext = sealedData };
            }
            finally
            {
                if (!encryption.BucketKeyEnabled) CryptographicOperations.ZeroMemory(objectKey);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Reads an object back as <paramref name="principal"/>; S3 asks KMS to decrypt its data key (or the bucket key, unless cached).</summary>
    /// <exception cref="S3Exception"><c>NoSuchKey</c>, or KMS refused (disabled key, access denied...).</exception>
    public Task<byte[]> GetObjectAsync(string key, string? principal = null)
    {
        var caller = _kms.Caller(principal);
        lock (_sync)
        {
            if (!_objects.TryGetValue(key, out var stored)) throw new S3Exception("NoSuchKey", $"The specified key does not exist: {key}");
            byte[] objectKey;
            if (stored.BucketKey)
            {
                var id = Convert.ToBase64String(stored.EncryptedDataKey);
                var now = _lab.Clock.GetUtcNow();
                if (!_bucketKeys.TryGetValue(id, out var cached) || now - cached.Created >= BucketKeyLifetime)
                {
                    var decrypted = Call(caller, "Decrypt", new DecryptRequest { CiphertextBlob = stored.EncryptedDataKey, EncryptionContext = new(stored.EncryptionContext) },
                        KmsJsonContext.Default.DecryptRequest, KmsJsonContext.Default.DecryptResponse);
                    cached = new CachedKey(decrypted.Plaintext!, stored.EncryptedDataKey, decrypted.KeyId!, stored.KmsKeyArn, now);
                    _bucketKeys[id] = cached;
                }
                objectKey = DeriveObjectKey(cached.DataKey, stored.Salt!, key);
            }
            else
            {
                var decrypted = Call(caller, "Decrypt", new DecryptRequest { CiphertextBlob = stored.EncryptedDataKey, EncryptionContext = new(stored.EncryptionContext) },
                    KmsJsonContext.Default.DecryptRequest, KmsJsonContext.Default.DecryptResponse);
                objectKey = decrypted.Plaintext!;
            }
            try
            {
                var plaintext = new byte[stored.Size];
                using var aes = new AesGcm(objectKey, 16);
                aes.Decrypt(stored.Nonce, stored.Ciphertext.AsSpan(0, (int)stored.Size), stored.Ciphertext.AsSpan((int)stored.Size), plaintext, Encoding.UTF8.GetBytes($"{Arn}/{key}"));
                return Task.FromResult(plaintext);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(objectKey);
            }
        }
    }

    /// <summary>What S3 knows about an object's encryption (no KMS call).</summary>
    public S3ObjectInfo HeadObject(string key)
    {
        lock (_sync)
        {
            if (!_objects.TryGetValue(key, out var stored)) throw new S3Exception("NoSuchKey", $"The specified key does not exist: {key}");
            return new S3ObjectInfo(key, stored.Size, stored.KmsKeyArn, stored.BucketKey, stored.EncryptionContext);
        }
    }

    private TResponse Call<TRequest, TResponse>(LabPrincipal caller, string operation, TRequest request, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo)
    {
        try
        {
            return _kms.Call(caller, operation, request, requestInfo, responseInfo);
        }
        catch (ServiceKmsRefusal refusal)
        {
            var code = refusal.ErrorCode;
            throw new S3Exception(code == KmsErrorCodes.AccessDenied ? "AccessDenied" : $"KMS.{code}", $"S3 could not use the KMS key for you ({operation}): {refusal.KmsMessage}", code);
        }
    }

    private static byte[] DeriveObjectKey(byte[] bucketKey, byte[] salt, string objectKey) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, bucketKey, 32, salt, Encoding.UTF8.GetBytes("kmslab-s3-bucket-key:" + objectKey));

    private sealed record StoredObject(byte[] Nonce, byte[] Ciphertext, byte[] EncryptedDataKey, string KmsKeyArn, bool BucketKey, byte[]? Salt, long Size, Dictionary<string, string> EncryptionContext);

    private sealed record CachedKey(byte[] DataKey, byte[] EncryptedKey, string KeyArn, string KmsKeyId, DateTimeOffset Created);
}
