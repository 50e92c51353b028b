using System.Security.Cryptography;
using KmsLab.Protocol;
using KmsLab.Simulation;
using KmsLab.Simulation.Identity;
using KmsLab.Simulation.Model;

namespace KmsLab.Services;

/// <summary>An EBS request that failed, with its error code and the KMS error behind it.</summary>
public sealed class EbsException(string errorCode, string message, string? kmsErrorCode = null) : SimulatedServiceException(errorCode, message, kmsErrorCode);

/// <summary>
/// A small simulated encrypted EBS volume inside the lab, to see how EBS and EC2 use your KMS key
/// (EC2 User Guide, "How EBS encryption works"; KMS Developer Guide, the EC2 CloudTrail examples).
/// Creating the volume asks KMS for a data key with <c>GenerateDataKeyWithoutPlaintext</c>
/// (64 bytes, for XTS-AES-256; context <c>aws:ebs:id</c> = the volume's ID), as the caller through
/// EC2: nobody sees the plaintext key then. Attaching it to an instance creates a grant, as the
/// caller through EC2, for EC2's infrastructure acting for that instance
/// (<c>111122223333:aws:ec2-infrastructure:i-…</c>, only <c>Decrypt</c>, only with the volume's
/// context), and that infrastructure role then decrypts the data key into the host's memory.
/// Without a key it uses <c>aws/ebs</c>.
/// </summary>
/// <remarks>
/// Only the KMS side is simulated: no EC2 permissions, no blocks, no snapshots; the volume keeps
/// its data key only while it is attached. EC2's own error wording for an unusable key is not
/// reproduced: <see cref="SimulatedServiceException.ErrorCode"/> is KMS's, prefixed <c>KMS.</c>.
/// </remarks>
public sealed class SimulatedEbsVolume
{
    private readonly Lab _lab;
    private readonly ServiceKmsCalls _kms;
    private readonly byte[] _encryptedDataKey;
    private readonly Lock _sync = new();

    private SimulatedEbsVolume(Lab lab, ServiceKmsCalls kms, string volumeId, string kmsKeyArn, byte[] encryptedDataKey)
    {
        _lab = lab;
        _kms = kms;
        VolumeId = volumeId;
        KmsKeyArn = kmsKeyArn;
        _encryptedDataKey = encryptedDataKey;
    }

    /// <summary>The volume's ID, <c>vol-</c> and 17 hexadecimal digits.</summary>
    public string VolumeId { get; }

    /// <summary>The KMS key that protects the volume's data key (DescribeVolumes' <c>KmsKeyId</c>).</summary>
    public string KmsKeyArn { get; }

    /// <summary>The instance the volume is attached to, if any.</summary>
    public string? AttachedTo { get; private set; }

    /// <summary>The grant EC2 created for the instance it is attached to.</summary>
    public string? GrantId { get; private set; }

    /// <summary>Whether the host holds the plaintext data key (while attached).</summary>
    public bool KeyInHostMemory { get; private set; }

    /// <summary>KMS requests made for this volume so far.</summary>
    public int KmsRequests => _kms.Requests;

    /// <summary>The encryption context of every KMS call for this volume.</summary>
    public IReadOnlyDictionary<string, string> EncryptionContext => new Dictionary<string, string> { ["aws:ebs:id"] = VolumeId };

    internal static SimulatedEbsVolume Create(Lab lab, string? kmsKeyId, string? principal)
    {
        var kms = new ServiceKmsCalls(lab, "ec2");
        var caller = kms.Caller(principal);
        if (kmsKeyId is null) lab.Engine.EnsureAwsManagedKey(lab.AccountId, kms.Region, "ebs");
        var volumeId = "vol-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(9)).ToLowerInvariant()[..17];
        var generated = Refused(() => kms.CallJson(caller, "GenerateDataKeyWithoutPlaintext",
            new GenerateDataKeyRequest { KeyId = kmsKeyId ?? "alias/aws/ebs", NumberOfBytes = 64, EncryptionContext = new() { ["aws:ebs:id"] = volumeId } },
            KmsJsonContext.Default.GenerateDataKeyRequest));
        return new SimulatedEbsVolume(lab, kms, volumeId, generated["KeyId"]!.GetValue<string>(), Convert.FromBase64String(generated["CiphertextBlob"]!.GetValue<string>()));
    }

    /// <summary>
    /// Attaches the volume to <paramref name="instanceId"/> as <paramref name="principal"/>: EC2
    /// creates a grant for its infrastructure acting for the instance, which decrypts the data key.
    /// </summary>
    /// <exception cref="EbsException">KMS refused the grant or the decryption.</exception>
    public void AttachTo(string instanceId, string? principal = null)
    {
        if (!instanceId.StartsWith("i-", StringComparison.Ordinal) || instanceId.Length is < 10 or > 19 || !instanceId[2..].All(char.IsAsciiHexDigitLower))
        {
            throw new EbsException("InvalidInstanceID.Malformed", $"Invalid id: \"{instanceId}\" (expecting \"i-...\")");
        }
        lock (_sync)
        {
            if (AttachedTo is not null) throw new EbsException("VolumeInUse", $"{VolumeId} is already attached to an instance");
            var caller = _kms.Caller(principal);
            var infrastructure = Ec2Infrastructure(instanceId);
            var grant = Refused(() => _kms.Call(caller, "CreateGrant", new CreateGrantRequest
            {
                KeyId = KmsKeyArn,
                GranteePrincipal = infrastructure.GrantIdentity,
                Operations = ["Decrypt"],
                Constraints = new GrantConstraints { EncryptionContextSubset = new(EncryptionContext) },
            }, KmsJsonContext.Default.CreateGrantRequest, KmsJsonContext.Default.CreateGrantResponse));
            var decrypted = Refused(() => _kms.CallInternally(infrastructure, "Decrypt", new DecryptRequest { CiphertextBlob = _encryptedDataKey, EncryptionContext = new(EncryptionContext) },
                KmsJsonContext.Default.DecryptRequest, KmsJsonContext.Default.DecryptResponse));
            CryptographicOperations.ZeroMemory(decrypted.Plaintext);
            (AttachedTo, GrantId, KeyInHostMemory) = (instanceId, grant.GrantId, true);
        }
    }

    /// <summary>Detaches the volume: the host forgets the data key (the grant stays, as EC2 leaves it).</summary>
    public void Detach()
    {
        lock (_sync) (AttachedTo, KeyInHostMemory) = (null, false);
    }

    // EC2's infrastructure role acting for one instance: the grantee of the attach grant, and the caller of its Decrypt.
    private LabPrincipal Ec2Infrastructure(string instanceId) =>
        new(_lab.AccountId, "aws:ec2-infrastructure", PrincipalKind.Role, "ASIAEC2INFRASTRUCTURE", "kmslab-ec2-infrastructure-not-signed", instanceId)
        {
            GrantIdentity = $"{_lab.AccountId}:aws:ec2-infrastructure:{instanceId}",
        };

    private static T Refused<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (ServiceKmsRefusal refusal)
        {
            throw new EbsException(refusal.ErrorCode == KmsErrorCodes.AccessDenied ? "AccessDenied" : "KMS." + refusal.ErrorCode,
                $"EC2 could not use the KMS key for the volume ({refusal.Operation}): {refusal.KmsMessage}", refusal.ErrorCode);
        }
    }
}
