using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace KmsLab.KeyTools;

/// <summary>
/// Verifies an ML-DSA signature outside KMS, with only the public key GetPublicKey returned — what
/// a device or a partner does to check a signature without AWS credentials. .NET's own
/// <c>System.Security.Cryptography.MLDsa</c> needs OpenSSL 3.5 or later; where the machine has an
/// older one this uses BouncyCastle, a well-kept implementation of FIPS 204.
/// </summary>
public static class PostQuantumSignatures
{
    /// <summary>
    /// True when <paramref name="signature"/> is a valid ML-DSA signature (pure ML-DSA, empty context,
    /// as KMS's <c>ML_DSA_SHAKE_256</c> with MessageType RAW makes it) of <paramref name="message"/>
    /// under <paramref name="subjectPublicKeyInfo"/> (the DER SubjectPublicKeyInfo of an ML_DSA_44/65/87 key).
    /// </summary>
    /// <exception cref="ArgumentException">The public key is not an ML-DSA key.</exception>
    public static bool VerifyMLDsa(byte[] subjectPublicKeyInfo, byte[] message, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(subjectPublicKeyInfo);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(signature);
        Org.BouncyCastle.Crypto.AsymmetricKeyParameter key;
        try
        {
            key = PublicKeyFactory.CreateKey(subjectPublicKeyInfo);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidCastException or SecurityUtilityException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            throw new ArgumentException($"Not a DER SubjectPublicKeyInfo: {e.Message}", nameof(subjectPublicKeyInfo), e);
        }
        var publicKey = key as MLDsaPublicKeyParameters
            ?? throw new ArgumentException("That public key is not an ML-DSA key (ML_DSA_44, ML_DSA_65 or ML_DSA_87).", nameof(subjectPublicKeyInfo));
        var verifier = new MLDsaSigner(publicKey.Parameters, deterministic: false);
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }
}
