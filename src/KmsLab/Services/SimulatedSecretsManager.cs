using System.Security.Cryptography;
using System.Text;
using KmsLab.Protocol;
using KmsLab.Simulation;
using KmsLab.Simulation.Model;

namespace KmsLab.Services;

/// <summary>A secret as DescribeSecret shows it: its ARN, its KMS key (null for <c>aws/secretsmanager</c>, as Secrets Manager omits it) and its versions, newest first.</summary>
/// <param name="Name">The secret's name.</param>
/// <param name="Arn">Its ARN (the name and six random characters).</param>
/// <param name="KmsKeyId">The customer managed key it names, or null for the AWS managed key <c>aws/secretsmanager</c>.</param>
/// <param name="Versions">Its versions, newest (<c>AWSCURRENT</c>) first.</param>
public sealed record SecretDescription(string Name, string Arn, string? KmsKeyId, IReadOnlyList<SecretVersion> Versions);

/// <summary>One version of a secret: its ID and its staging labels.</summary>
public sealed record SecretVersion(string VersionId, IReadOnlyList<string> Stages);

/// <summary>A Secrets Manager request that failed, with Secrets Manager's error code (<c>AccessDeniedException</c>, <c>DecryptionFailure</c>, <c>EncryptionFailure</c>, <c>ResourceNotFoundException</c>…).</summary>
public sealed class SecretsManagerException(string errorCode, string message, string? kmsErrorCode = null) : SimulatedServiceException(errorCode, message, kmsErrorCode);

/// <summary>
/// A small simulated AWS Secrets Manager inside the lab, to see how it uses your KMS keys: every
/// new secret value (CreateSecret with a value, PutSecretValue) gets a new 256-bit data key from
/// <c>GenerateDataKey</c>, and GetSecretValue calls <c>Decrypt</c>, both with the encryption context
/// <c>SecretARN</c> = the secret's ARN and <c>SecretVersionId</c> = the version's ID. Secrets Manager
/// calls KMS as the principal that called it (<c>kms:ViaService</c> =
/// <c>secretsmanager.&lt;region&gt;.amazonaws.com</c>, <c>invokedBy</c> in the audit trail), with no
/// grant. Without a key it uses the AWS managed key <c>aws/secretsmanager</c>, created on first use.
/// </summary>
/// <remarks>
/// Only the KMS side is simulated (AWS Secrets Manager User Guide, "Secret encryption and
/// decryption"): every lab principal may call it (there are no Secrets Manager IAM permissions),
/// secrets live in memory, and rotation, resource policies, replication and the key-validation
/// calls Secrets Manager makes when a secret's key changes are not simulated.
/// </remarks>
public sealed class SimulatedSecretsManager
{
    private readonly Lab _lab;
    private readonly ServiceKmsCalls _kms;
    private readonly Dictionary<string, Secret> _secrets = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    internal SimulatedSecretsManager(Lab lab)
    {
        _lab = lab;
        _kms = new ServiceKmsCalls(lab, "secretsmanager");
    }

    /// <summary>The <c>kms:ViaService</c> value of its KMS calls.</summary>
    public string ViaService => _kms.ViaService;

    /// <summary>KMS requests it has made so far.</summary>
    public int KmsRequests => _kms.Requests;

    /// <summary>Creates a secret with a first value, encrypted under <paramref name="kmsKeyId"/> (null: <c>aws/secretsmanager</c>), as <paramref name="principal"/> (a lab user name or ARN; default the administrator). Returns its ARN.</summary>
    /// <exception cref="SecretsManagerException"><c>ResourceExistsException</c>, or KMS refused.</exception>
    public string CreateSecret(string name, string value, string? kmsKeyId = null, string? principal = null)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 512 || !name.All(c => char.IsAsciiLetterOrDigit(c) || "/_+=.@-".Contains(c)))
        {
            throw new SecretsManagerException("InvalidParameterException", $"'{name}' is not a valid secret name: 1–512 letters, digits and /_+=.@-.");
        }
        ArgumentNullException.ThrowIfNull(value);
        var caller = _kms.Caller(principal);
        lock (_sync)
        {
            if (_secrets.ContainsKey(name)) throw new SecretsManagerException("ResourceExistsException", $"The operation failed because the secret {name} already exists.");
            if (kmsKeyId is null) _lab.Engine.EnsureAwsManagedKey(_lab.AccountId, _kms.Region, "secretsmanager");
            var suffix = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
            var secret = new Secret(name, $"arn:aws:secretsmanager:{_kms.Region}:{_lab.AccountId}:secret:{name}-{suffix}", kmsKeyId);
            secret.Versions.Insert(0, Seal(caller, secret, value, "CreateSecret"));
            _secrets[name] = secret;
            return secret.Arn;
        }
    }

    /// <summary>Stores a new value as the secret's <c>AWSCURRENT</c> version (the one before becomes <c>AWSPREVIOUS</c>): a new data key from KMS. Returns the new version's ID.</summary>
    /// <exception cref="SecretsManagerException"><c>ResourceNotFoundException</c>, or KMS refused.</exception>
    public string PutSecretValue(string name, string value, string? principal = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        var caller = _kms.Caller(principal);
        lock (_sync)
        {
            var secret = Find(name);
            var version = Seal(caller, secret, value, "PutSecretValue");
            secret.Versions.Insert(0, version);
            return version.Id;
        }
    }

    /// <summary>The secret's current value (or that of <paramref name="versionId"/>), as <paramref name="principal"/>: Secrets Manager asks KMS to decrypt its data key.</summary>
    /// <exception cref="SecretsManagerException"><c>ResourceNotFoundException</c>, or KMS refused (<c>AccessDeniedException</c>, <c>DecryptionFailure</c>).</exception>
    public string GetSecretValue(string name, string? versionId = null, string? principal = null)
    {
        var caller = _kms.Caller(principal);
        lock (_sync)
        {
            var secret = Find(name);
            var version = versionId is null ? secret.Versions[0] : secret.Versions.FirstOrDefault(v => v.Id == versionId)
                ?? throw new SecretsManagerException("ResourceNotFoundException", $"Secrets Manager can't find the specified secret value for VersionId: {versionId}");
            var dataKey = Kms(() => _kms.Call(caller, "Decrypt", new DecryptRequest { CiphertextBlob = version.EncryptedDataKey, EncryptionContext = Context(secret, version.Id) },
                KmsJsonContext.Default.DecryptRequest, KmsJsonContext.Default.DecryptResponse), "GetSecretValue", "DecryptionFailure").Plaintext!;
            try
            {
                var plaintext = new byte[version.Ciphertext.Length];
                using (var aes = new AesGcm(dataKey, 16)) aes.Decrypt(version.Nonce, version.Ciphertext, version.Tag, plaintext, Encoding.UTF8.GetBytes(secret.Arn + "/" + version.Id));
                return Encoding.UTF8.GetString(plaintext);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }
    }

    /// <summary>What Secrets Manager tells of a secret, without a KMS call.</summary>
    /// <exception cref="SecretsManagerException"><c>ResourceNotFoundException</c>.</exception>
    public SecretDescription DescribeSecret(string name)
    {
        lock (_sync)
        {
            var secret = Find(name);
            return new SecretDescription(secret.Name, secret.Arn, secret.KmsKeyId,
                [.. secret.Versions.Select((v, i) => new SecretVersion(v.Id, i switch { 0 => ["AWSCURRENT"], 1 => ["AWSPREVIOUS"], _ => [] }))]);
        }
    }

    private Secret Find(string name) =>
        _secrets.GetValueOrDefault(name) ?? _secrets.Values.FirstOrDefault(s => s.Arn == name)
        ?? throw new SecretsManagerException("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

    private StoredVersion Seal(Simulation.Identity.LabPrincipal caller, Secret secret, string value, string operation)
    {
        var versionId = Guid.NewGuid().ToString("D");
        var generated = Kms(() => _kms.Call(caller, "GenerateDataKey",
            new GenerateDataKeyRequest { KeyId = secret.KmsKeyId ?? "alias/aws/secretsmanager", KeySpec = "AES_256", EncryptionContext = Context(secret, versionId) },
            KmsJsonContext.Default.GenerateDataKeyRequest, KmsJsonContext.Default.GenerateDataKeyResponse), operation, "EncryptionFailure");
        var key = generated.Plaintext!;
        try
        {
            var plaintext = Encoding.UTF8.GetBytes(value);
            var nonce = RandomNumberGenerator.GetBytes(12);
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[16];
            using (var aes = new AesGcm(key, 16)) aes.Encrypt(nonce, plaintext, ciphertext, tag, Encoding.UTF8.GetBytes(secret.Arn + "/" + versionId));
            return new StoredVersion(versionId, generated.CiphertextBlob!, nonce, ciphertext, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static Dictionary<string, string> Context(Secret secret, string versionId) => new() { ["SecretARN"] = secret.Arn, ["SecretVersionId"] = versionId };

    // Secrets Manager's words for KMS's refusals: access denied stays AccessDeniedException; any other failure to use the key is the operation's own failure.
    private static T Kms<T>(Func<T> call, string operation, string failure)
    {
        try
        {
            return call();
        }
        catch (ServiceKmsRefusal refusal) when (refusal.ErrorCode == KmsErrorCodes.AccessDenied)
        {
            throw new SecretsManagerException("AccessDeniedException", $"{operation}: access to KMS is not allowed ({refusal.KmsMessage})", refusal.ErrorCode);
        }
        catch (ServiceKmsRefusal refusal)
        {
            throw new SecretsManagerException(failure, $"{operation}: Secrets Manager can't use the KMS key: {refusal.ErrorCode}: {refusal.KmsMessage}", refusal.ErrorCode);
        }
    }

    private sealed record Secret(string Name, string Arn, string? KmsKeyId)
    {
        public List<StoredVersion> Versions { get; } = [];
    }

    private sealed record StoredVersion(string Id, byte[] EncryptedDataKey, byte[] Nonce, byte[] Ciphertext, byte[] Tag);
}
