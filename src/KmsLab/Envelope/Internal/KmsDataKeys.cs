using System.Runtime.CompilerServices;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;

namespace KmsLab.Envelope.Internal;

/// <summary>
/// The AWS KMS keyring, encrypt side (framework/aws-kms/aws-kms-keyring.md#onencrypt):
/// GenerateDataKey with the first key, Encrypt of the same data key under each further key; one
/// <c>aws-kms</c> encrypted data key per KMS key, with the key ARN KMS returned as provider info.
/// </summary>
internal sealed class KmsDataKeyGenerator(IAmazonKeyManagementService kms, IReadOnlyList<string> keyIds) : IDataKeyGenerator
{
    public string CacheIdentity { get; } = $"kms-encrypt\0{KmsClientIdentity.Of(kms)}\0{string.Join('\0', keyIds)}";

    public async Task<GeneratedDataKey> GenerateAsync(AlgorithmSuite suite, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        var context = new Dictionary<string, string>(encryptionContext, StringComparer.Ordinal);
        GenerateDataKeyResponse generated;
        try
        {
            generated = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest
            {
                KeyId = keyIds[0],
                NumberOfBytes = MessageFormat.DataKeyLength,
                EncryptionContext = context,
            }, ct).ConfigureAwait(false);
        }
        catch (AmazonServiceException e)
        {
            throw new EnvelopeException($"KMS GenerateDataKey with key '{keyIds[0]}' failed: {KmsErrors.Describe(e)}", e);
        }
        byte[] dataKey = generated.Plaintext.ToArray();
        // aws-kms-keyring.md: MUST verify the plaintext length and that KeyId is a key ARN.
        if (dataKey.Length != MessageFormat.DataKeyLength)
            throw new EnvelopeException($"KMS GenerateDataKey returned a {dataKey.Length}-byte data key; {MessageFormat.DataKeyLength} were requested.");
        if (!KmsArn.IsKeyArn(generated.KeyId))
            throw new EnvelopeException($"KMS GenerateDataKey returned '{generated.KeyId}', which is not a KMS key ARN.");
        var edks = new List<EncryptedDataKey>(keyIds.Count)
        {
            new(MessageFormat.AwsKmsProviderId, MessageFormat.StrictUtf8.GetBytes(generated.KeyId), generated.CiphertextBlob.ToArray()),
        };
        for (int i = 1; i < keyIds.Count; i++)
        {
            EncryptResponse encrypted;
            try
            {
                using var plaintext = new MemoryStream(dataKey, writable: false);
                encrypted = await kms.EncryptAsync(new EncryptRequest
                {
                    KeyId = keyIds[i],
                    Plaintext = plaintext,
                    EncryptionContext = context,
                }, ct).ConfigureAwait(false);
            }
            catch (AmazonServiceException e)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
                throw new EnvelopeException($"KMS Encrypt of the data key with key '{keyIds[i]}' failed: {KmsErrors.Describe(e)}", e);
            }
            if (!KmsArn.IsKeyArn(encrypted.KeyId))
                throw new EnvelopeException($"KMS Encrypt returned '{encrypted.KeyId}', which is not a KMS key ARN.");
            edks.Add(new(MessageFormat.AwsKmsProviderId, MessageFormat.StrictUtf8.GetBytes(encrypted.KeyId), encrypted.CiphertextBlob.ToArray()));
        }
        return new GeneratedDataKey(dataKey, edks, keyIds.Count);
    }
}

/// <summary>
/// The AWS KMS keyrings, decrypt side: strict (framework/aws-kms/aws-kms-keyring.md#ondecrypt:
/// only encrypted data keys whose provider info is one of the configured key ARNs, Decrypt with
/// that KeyId) or discovery (aws-kms-discovery-keyring.md: any aws-kms encrypted data key,
/// optionally only from the filter's partition and accounts, Decrypt with the ARN it names).
/// Encrypted data keys are tried one at a time; errors are collected; the first success wins.
/// </summary>
internal sealed class KmsDataKeyDecryptor : IDataKeyDecryptor
{
    private readonly IAmazonKeyManagementService _kms;
    private readonly HashSet<string>? _strictKeyArns;
    private readonly DiscoveryFilter? _filter;

    public KmsDataKeyDecryptor(IAmazonKeyManagementService kms, IReadOnlyList<string>? strictKeyArns, DiscoveryFilter? filter)
    {
        _kms = kms;
        _strictKeyArns = strictKeyArns is null ? null : new HashSet<string>(strictKeyArns, StringComparer.Ordinal);
        _filter = filter;
        string mode = _strictKeyArns is not null
            ? "strict\0" + string.Join('\0', _strictKeyArns.Order(StringComparer.Ordinal))
            : "discovery\0" + (filter is null ? "" : filter.Partition + "\0" + string.Join('\0', filter.AccountIds.Order(StringComparer.Ordinal)));
        CacheIdentity = $"kms-decrypt\0{KmsClientIdentity.Of(kms)}\0{mode}";
    }

    public string CacheIdentity { get; }

    public async Task<RecoveredDataKey> DecryptAsync(AlgorithmSuite suite, IReadOnlyList<EncryptedDataKey> encryptedDataKeys,
        IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        var errors = new List<Exception>();
        var context = new Dictionary<string, string>(encryptionContext, StringComparer.Ordinal);
        int calls = 0, candidates = 0;
        foreach (var edk in encryptedDataKeys)
        {
            if (edk.ProviderId != MessageFormat.AwsKmsProviderId) continue;
            string? arnText = edk.ProviderInfoText;
            // Both keyrings: the provider info MUST be a KMS key ARN, or OnDecrypt MUST fail.
            var arn = KmsArn.TryParse(arnText);
            if (arn is null || arn.ResourceType != "key")
                throw new EnvelopeException($"The message names '{arnText ?? "(not text)"}' as the KMS key of an aws-kms encrypted data key; that is not a KMS key ARN.");
            if (_strictKeyArns is not null && !_strictKeyArns.Contains(arnText!)) continue;
            if (_filter is not null && (arn.Partition != _filter.Partition || !_filter.AccountIds.Contains(arn.Account))) continue;
            candidates++;
            DecryptResponse response;
            try
            {
                calls++;
                using var blob = new MemoryStream(edk.Ciphertext, writable: false);
                response = await _kms.DecryptAsync(new DecryptRequest
                {
                    KeyId = arnText,
                    CiphertextBlob = blob,
                    EncryptionContext = context,
                }, ct).ConfigureAwait(false);
            }
            catch (AmazonServiceException e)
            {
                errors.Add(new EnvelopeException($"KMS Decrypt with key '{arnText}' failed: {KmsErrors.Describe(e)}", e));
                continue;
            }
            byte[] dataKey = response.Plaintext.ToArray();
            if (response.KeyId != arnText)
            {
                errors.Add(new EnvelopeException($"KMS Decrypt with key '{arnText}' answered for key '{response.KeyId}'."));
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
                continue;
            }
            if (dataKey.Length != MessageFormat.DataKeyLength)
            {
                errors.Add(new EnvelopeException($"KMS Decrypt with key '{arnText}' returned a {dataKey.Length}-byte data key; {MessageFormat.DataKeyLength} were expected."));
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
                continue;
            }
            return new RecoveredDataKey(dataKey, arnText, calls);
        }
        string names = string.Join(", ", encryptedDataKeys.Select(e => e.ProviderId == MessageFormat.AwsKmsProviderId ? e.ProviderInfoText ?? "?" : $"({e.ProviderId})"));
        if (candidates == 0)
        {
            string allowed = _strictKeyArns is not null
                ? "the allowed keys " + string.Join(", ", _strictKeyArns)
                : _filter is not null ? $"the discovery filter (partition {_filter.Partition}, accounts {string.Join(", ", _filter.AccountIds)})" : "an aws-kms provider";
            throw new EnvelopeException($"None of the message's encrypted data keys ({names}) matches {allowed}.");
        }
        throw new EnvelopeException(
            $"No KMS key could decrypt the data key ({calls} attempt{(calls == 1 ? "" : "s")}): " + string.Join(" ", errors.Select(e => e.Message)),
            new AggregateException(errors));
    }
}

internal static class KmsErrors
{
    public static string Describe(AmazonServiceException e) =>
        string.IsNullOrEmpty(e.ErrorCode) ? e.Message : $"{e.ErrorCode}: {e.Message}";
}

/// <summary>Tells KMS client instances apart (for cache partitioning) without holding them alive.</summary>
internal static class KmsClientIdentity
{
    private static readonly ConditionalWeakTable<object, string> Ids = new();
    private static long _next;

    public static string Of(object client) => Ids.GetValue(client, static _ => Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
