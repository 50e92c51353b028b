using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using KmsLab.Protocol;
using KmsLab.Simulation;
using KmsLab.Simulation.Identity;
using KmsLab.Simulation.Model;
using Sdk = Amazon.KeyManagementService.Model;

namespace KmsLab.Services;

/// <summary>Which of the three kinds of KMS key protects a DynamoDB table (DynamoDB offers all three).</summary>
public enum DynamoDbTableKey
{
    /// <summary>The default: a key DynamoDB owns, in its own account. No KMS call in yours, nothing in your audit trail, no charge.</summary>
    AwsOwned,

    /// <summary>The AWS managed key <c>aws/dynamodb</c> in your account: you can see it and its use, not manage it.</summary>
    AwsManaged,

    /// <summary>A customer managed key of yours: you decide its policy, rotation and lifetime.</summary>
    CustomerManaged,
}

/// <summary>How a table is encrypted at rest: the kind of key, and the customer managed key's ID, ARN or alias.</summary>
public sealed record DynamoDbTableEncryption(DynamoDbTableKey Key = DynamoDbTableKey.AwsOwned, string? KmsKeyId = null);

/// <summary>A DynamoDB request that failed, with its error code and the KMS error behind it.</summary>
public sealed class DynamoDbException(string errorCode, string message, string? kmsErrorCode = null) : SimulatedServiceException(errorCode, message, kmsErrorCode);

/// <summary>
/// A small simulated DynamoDB table inside the lab, to see how DynamoDB uses a KMS key of each kind
/// (Amazon DynamoDB Developer Guide, "Encryption at rest: how it works" and "usage notes"). With an
/// AWS owned key it makes no KMS call at all. With <c>aws/dynamodb</c> or a customer managed key,
/// creating the table costs three calls: <c>DescribeKey</c> and <c>CreateGrant</c> as the table's
/// creator through DynamoDB (the grant is for, and retirable by, <c>dynamodb.&lt;region&gt;.amazonaws.com</c>,
/// constrained to the table's encryption context), then <c>GenerateDataKey</c> by DynamoDB itself
/// (an AWS service principal, allowed by that grant) for the table key. Reading or writing asks KMS
/// to <c>Decrypt</c> the table key as the principal accessing the table, and DynamoDB keeps the
/// plaintext table key for <see cref="KmsFacts.DynamoDbTableKeyCacheMinutes"/> minutes of
/// inactivity per caller; deleting the table retires the grant. Every call carries the encryption
/// context <c>aws:dynamodb:tableName</c> and <c>aws:dynamodb:subscriberId</c> (the account).
/// </summary>
/// <remarks>
/// Only the KMS side is simulated: items are strings under string keys, every lab principal may use
/// the table (there are no DynamoDB IAM permissions), the table key encrypts items directly (real
/// DynamoDB puts data keys in between), and DynamoDB's own error wording for an unusable key is not
/// reproduced: its <see cref="SimulatedServiceException.ErrorCode"/> is KMS's, prefixed <c>KMS.</c>.
/// </remarks>
public sealed class SimulatedDynamoDbTable
{
    private readonly Lab _lab;
    private readonly ServiceKmsCalls _kms;
    private readonly Dictionary<string, (byte[] Nonce, byte[] Ciphertext, byte[] Tag)> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] Key, DateTimeOffset LastUsed)> _cachedTableKeys = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();
    private readonly byte[]? _ownedTableKey;
    private readonly byte[]? _encryptedTableKey;

    private SimulatedDynamoDbTable(Lab lab, ServiceKmsCalls kms, string name, DynamoDbTableEncryption encryption, string? keyArn, string? grantId, byte[]? encryptedTableKey)
    {
        _lab = lab;
        _kms = kms;
        Name = name;
        Encryption = encryption;
        KmsKeyArn = keyArn;
        GrantId = grantId;
        _encryptedTableKey = encryptedTableKey;
        if (encryption.Key == DynamoDbTableKey.AwsOwned) _ownedTableKey = RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>The table's name.</summary>
    public string Name { get; }

    /// <summary>The table's ARN, <c>arn:aws:dynamodb:region:account:table/name</c>.</summary>
    public string Arn => TableArn(_lab, Name);

    /// <summary>How the table is encrypted.</summary>
    public DynamoDbTableEncryption Encryption { get; }

    /// <summary>The KMS key's ARN (DescribeTable's <c>SSEDescription.KMSMasterKeyArn</c>); null for an AWS owned key, which is not in your account.</summary>
    public string? KmsKeyArn { get; }

    /// <summary>The grant DynamoDB created on the key for this table (null for an AWS owned key).</summary>
    public string? GrantId { get; private set; }

    /// <summary>The encryption context of every KMS call for this table.</summary>
    public IReadOnlyDictionary<string, string> EncryptionContext => Context(_lab, Name);

    /// <summary>KMS requests this table has made so far.</summary>
    public int KmsRequests => _kms.Requests;

    /// <summary>The <c>kms:ViaService</c> value of the calls made for a principal.</summary>
    public string ViaService => _kms.ViaService;

    internal static async Task<SimulatedDynamoDbTable> CreateAsync(Lab lab, string name, DynamoDbTableEncryption encryption, string? principal)
    {
        if (name.Length is < 3 or > 255 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new DynamoDbException("ValidationException", $"'{name}' is not a valid table name: 3–255 letters, digits, '_', '-' and '.'.");
        }
        if (encryption.Key == DynamoDbTableKey.CustomerManaged && string.IsNullOrEmpty(encryption.KmsKeyId))
        {
            throw new DynamoDbException("ValidationException", "A customer managed key needs its ID, ARN or alias (KMSMasterKeyId).");
        }
        var kms = new ServiceKmsCalls(lab, "dynamodb");
        if (encryption.Key == DynamoDbTableKey.AwsOwned) return new SimulatedDynamoDbTable(lab, kms, name, encryption, null, null, null);

        var caller = kms.Caller(principal);
        if (encryption.Key == DynamoDbTableKey.AwsManaged) lab.Engine.EnsureAwsManagedKey(lab.AccountId, kms.Region, "dynamodb");
        var keyId = encryption.Key == DynamoDbTableKey.AwsManaged ? "alias/aws/dynamodb" : encryption.KmsKeyId!;
        var context = Context(lab, name);
        var keyArn = Refused(() => kms.CallJson(caller, "DescribeKey", new DescribeKeyRequest { KeyId = keyId }, KmsJsonContext.Default.DescribeKeyRequest))["KeyMetadata"]!["Arn"]!.GetValue<string>();
        var grantId = Refused(() => kms.Call(caller, "CreateGrant", new CreateGrantRequest
        {
            KeyId = keyArn,
            GranteePrincipal = kms.ViaService,
            RetiringPrincipal = kms.ViaService,
            Operations = ["DescribeKey", "GenerateDataKey", "Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "RetireGrant"],
            Constraints = new GrantConstraints { EncryptionContextSubset = new(context) },
        }, KmsJsonContext.Default.CreateGrantRequest, KmsJsonContext.Default.CreateGrantResponse)).GrantId!;
        // The table key: generated by DynamoDB itself, with the grant it was just given.
        var dynamodb = lab.CreateServicePrincipalKmsClient(ServicePrincipal, TableArn(lab, name));
        kms.Count();
        var tableKey = await RefusedAsync(() => dynamodb.GenerateDataKeyAsync(new Sdk.GenerateDataKeyRequest { KeyId = keyArn, KeySpec = DataKeySpec.AES_256, EncryptionContext = new(context) })).ConfigureAwait(false);
        CryptographicOperations.ZeroMemory(tableKey.Plaintext.GetBuffer());
        return new SimulatedDynamoDbTable(lab, kms, name, encryption, keyArn, grantId, tableKey.CiphertextBlob.ToArray());
    }

    /// <summary>Writes an item as <paramref name="principal"/> (a lab user name or ARN; default the administrator).</summary>
    /// <exception cref="DynamoDbException">KMS refused to decrypt the table key for this caller.</exception>
    public void PutItem(string key, string value, string? principal = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        lock (_sync)
        {
            var tableKey = TableKey(principal);
            var nonce = RandomNumberGenerator.GetBytes(12);
            var plaintext = Encoding.UTF8.GetBytes(value);
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[16];
            using (var aes = new AesGcm(tableKey, 16)) aes.Encrypt(nonce, plaintext, ciphertext, tag, Encoding.UTF8.GetBytes(Arn + "/" + key));
            _items[key] = (nonce, ciphertext, tag);
        }
    }

    /// <summary>Reads an item as <paramref name="principal"/>; null if there is none.</summary>
    /// <exception cref="DynamoDbException">KMS refused to decrypt the table key for this caller.</exception>
    public string? GetItem(string key, string? principal = null)
    {
        lock (_sync)
        {
            var tableKey = TableKey(principal);
            if (!_items.TryGetValue(key, out var item)) return null;
            var plaintext = new byte[item.Ciphertext.Length];
            using (var aes = new AesGcm(tableKey, 16)) aes.Decrypt(item.Nonce, item.Ciphertext, item.Tag, plaintext, Encoding.UTF8.GetBytes(Arn + "/" + key));
            return Encoding.UTF8.GetString(plaintext);
        }
    }

    /// <summary>Deletes the table: DynamoDB retires its grant on the key.</summary>
    public async Task DeleteAsync()
    {
        string? grant;
        lock (_sync)
        {
            grant = GrantId;
            GrantId = null;
            _items.Clear();
            foreach (var (key, _) in _cachedTableKeys.Values) CryptographicOperations.ZeroMemory(key);
            _cachedTableKeys.Clear();
        }
        if (grant is null || KmsKeyArn is null) return;
        _kms.Count();
        await RefusedAsync(() => _lab.CreateServicePrincipalKmsClient(ServicePrincipal, Arn).RetireGrantAsync(new Sdk.RetireGrantRequest { KeyId = KmsKeyArn, GrantId = grant })).ConfigureAwait(false);
    }

    // The plaintext table key for this caller: cached after a Decrypt, until it has gone unused for the cache time.
    private byte[] TableKey(string? principal)
    {
        if (_ownedTableKey is not null) return _ownedTableKey;
        var caller = _kms.Caller(principal);
        var now = _lab.Clock.GetUtcNow();
        if (_cachedTableKeys.TryGetValue(caller.Arn, out var cached) && now - cached.LastUsed < TimeSpan.FromMinutes(KmsFacts.DynamoDbTableKeyCacheMinutes))
        {
            _cachedTableKeys[caller.Arn] = (cached.Key, now);
            return cached.Key;
        }
        var decrypted = Refused(() => _kms.Call(caller, "Decrypt", new DecryptRequest { CiphertextBlob = _encryptedTableKey, EncryptionContext = new(EncryptionContext) },
            KmsJsonContext.Default.DecryptRequest, KmsJsonContext.Default.DecryptResponse));
        _cachedTableKeys[caller.Arn] = (decrypted.Plaintext!, now);
        return decrypted.Plaintext!;
    }

    // DynamoDB's own calls (the table key, retiring the grant) are made as its service principal; its grants name the Regional form.
    private const string ServicePrincipal = "dynamodb.amazonaws.com";

    private static string TableArn(Lab lab, string name) => $"arn:aws:dynamodb:{lab.DefaultRegion.SystemName}:{lab.AccountId}:table/{name}";

    private static Dictionary<string, string> Context(Lab lab, string name) => new()
    {
        ["aws:dynamodb:tableName"] = name,
        ["aws:dynamodb:subscriberId"] = lab.AccountId,
    };

    private static T Refused<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (ServiceKmsRefusal refusal)
        {
            throw new DynamoDbException(refusal.ErrorCode == KmsErrorCodes.AccessDenied ? "AccessDeniedException" : "KMS." + refusal.ErrorCode,
                $"DynamoDB could not use the KMS key ({refusal.Operation}): {refusal.KmsMessage}", refusal.ErrorCode);
        }
    }

    private static async Task<T> RefusedAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonKeyManagementServiceException e)
        {
            throw new DynamoDbException("KMS." + e.ErrorCode, $"DynamoDB could not use the KMS key: {e.Message}", e.ErrorCode);
        }
    }
}
