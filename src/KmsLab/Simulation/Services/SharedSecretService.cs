using System.Security.Cryptography;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;

namespace KmsLab.Simulation.Services;

/// <summary>
/// Establishing a shared secret with a KMS key pair: DeriveSharedSecret (ECDH with a KEY_AGREEMENT
/// key on a NIST curve) and Encapsulate / Decapsulate (ML-KEM, ENCAPSULATE_DECAPSULATE keys).
/// </summary>
internal sealed class SharedSecretService(RequestPipeline pipeline)
{
    private static readonly KmsOperation DeriveSharedSecretOperation = OperationCatalog.Get("DeriveSharedSecret");
    private static readonly KmsOperation EncapsulateOperation = OperationCatalog.Get("Encapsulate");
    private static readonly KmsOperation DecapsulateOperation = OperationCatalog.Get("Decapsulate");

    private static readonly IReadOnlyList<string> KeyAgreementAlgorithms = ["ECDH"];
    private static readonly IReadOnlyList<string> EncapsulationAlgorithms = ["ML_KEM"];

    /// <summary>The model's PublicKeyType: 1 to 8192 bytes.</summary>
    private const int MaxPublicKey = 8192;

    private KmsWorld World => pipeline.World;

    /// <summary>
    /// The raw ECDH shared secret (the x-coordinate of d·Q, SEC 1 §3.3.1; the curves' cofactor is 1)
    /// of the KMS key's private key and the peer's public key — the bytes the peer computes with its
    /// private key and the KMS key's public key. No key derivation: that is the caller's.
    /// </summary>
    public DeriveSharedSecretResponse DeriveSharedSecret(CallContext ctx, DeriveSharedSecretRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.KeyAgreementAlgorithm, "keyAgreementAlgorithm").Enum(request.KeyAgreementAlgorithm, "keyAgreementAlgorithm", KeyAgreementAlgorithms)
            .Required(request.PublicKey, "publicKey").Length(request.PublicKey, "publicKey", 1, MaxPublicKey)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!)
        {
            GrantTokens = request.GrantTokens, DryRun = request.DryRun,
            Conditions = new Dictionary<string, IReadOnlyList<string>> { ["kms:KeyAgreementAlgorithm"] = [request.KeyAgreementAlgorithm!] },
        };
        return pipeline.Run(DeriveSharedSecretOperation, ctx, call, request, DeriveSteps);
    }

    private static readonly KeyedSteps<DeriveSharedSecretRequest, DeriveSharedSecretResponse> DeriveSteps =
        new(static (request, _, key) =>
        {
            using var peer = PeerPublicKey(request.PublicKey!, key);
            var secret = key.CurrentMaterial.Ecdh.DeriveRawSecretAgreement(peer.PublicKey);
            return new DeriveSharedSecretResponse { KeyId = key.Arn, SharedSecret = secret, KeyAgreementAlgorithm = "ECDH", KeyOrigin = key.Origin };
        })
        {
            Check = static (request, _, key) =>
            {
                if (!key.Spec.KeyAgreementAlgorithms(key.KeyUsage).Contains(request.KeyAgreementAlgorithm!)) throw KeyChecks.IncompatibleAlgorithm(request.KeyAgreementAlgorithm!, key);
                PeerPublicKey(request.PublicKey!, key).Dispose();
            },
        };

    /// <summary>The peer's public key: a DER SubjectPublicKeyInfo of an EC point on the KMS key's curve, or ValidationException.</summary>
    private static ECDiffieHellman PeerPublicKey(byte[] spki, KmsKey key)
    {
        var peer = ECDiffieHellman.Create();
        try
        {
            int read;
            try
            {
                peer.ImportSubjectPublicKeyInfo(spki, out read);
            }
            catch (CryptographicException)
            {
                throw KmsException.Validation("PublicKey is not a valid public key: it must be the peer's elliptic-curve public key as a DER-encoded X.509 SubjectPublicKeyInfo (RFC 5280), as GetPublicKey returns it.");
            }
            if (read != spki.Length) throw KmsException.Validation("PublicKey has bytes after its DER-encoded SubjectPublicKeyInfo.");
            var curve = peer.ExportParameters(false).Curve.Oid?.Value;
            if (curve != key.Spec.CurveOid)
            {
                throw KmsException.Validation($"The public key is not on the curve of {key.Arn} ({key.Spec.Name}, OID {key.Spec.CurveOid}) but on {curve ?? "an unnamed curve"}: both key pairs must be on the same elliptic curve.");
            }
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <summary>ML-KEM encapsulation to the key's public key: a fresh 32-byte shared secret and its ciphertext (768, 1088 or 1568 bytes).</summary>
    public EncapsulateResponse Encapsulate(CallContext ctx, EncapsulateRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.EncapsulationAlgorithm, "encapsulationAlgorithm").Enum(request.EncapsulationAlgorithm, "encapsulationAlgorithm", EncapsulationAlgorithms)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!) { GrantTokens = request.GrantTokens, DryRun = request.DryRun };
        return pipeline.Run(EncapsulateOperation, ctx, call, (Request: request, World.Random), EncapsulateSteps);
    }

    private static readonly KeyedSteps<(EncapsulateRequest Request, RandomNumberGenerator Random), EncapsulateResponse> EncapsulateSteps =
        new(static (s, _, key) =>
        {
            var (ciphertext, secret) = BouncyCastleKeys.Encapsulate(key.CurrentMaterial.BouncyCastleKey, s.Random);
            return new EncapsulateResponse { KeyId = key.Arn, SharedSecret = secret, SharedSecretCiphertextBlob = ciphertext, EncapsulationAlgorithm = "ML_KEM" };
        })
        {
            Check = static (s, _, key) => CheckEncapsulationAlgorithm(key, s.Request.EncapsulationAlgorithm!),
        };

    /// <summary>
    /// ML-KEM decapsulation with the key's private key. A ciphertext of the wrong length is
    /// InvalidCiphertextException; any other returns 32 bytes — the shared secret, or for a
    /// ciphertext made for another key or altered, a pseudo-random value (implicit rejection, FIPS 203).
    /// </summary>
    public DecapsulateResponse Decapsulate(CallContext ctx, DecapsulateRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.SharedSecretCiphertextBlob, "sharedSecretCiphertextBlob").Length(request.SharedSecretCiphertextBlob, "sharedSecretCiphertextBlob", 1, KmsLimits.MaxCiphertextBlob)
            .Required(request.EncapsulationAlgorithm, "encapsulationAlgorithm").Enum(request.EncapsulationAlgorithm, "encapsulationAlgorithm", EncapsulationAlgorithms)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!) { GrantTokens = request.GrantTokens, DryRun = request.DryRun };
        return pipeline.Run(DecapsulateOperation, ctx, call, request, DecapsulateSteps);
    }

    private static readonly KeyedSteps<DecapsulateRequest, DecapsulateResponse> DecapsulateSteps =
        new(static (request, _, key) =>
        {
            var secret = BouncyCastleKeys.Decapsulate(key.CurrentMaterial.BouncyCastleKey, request.SharedSecretCiphertextBlob!);
            return new DecapsulateResponse { KeyId = key.Arn, SharedSecret = secret, EncapsulationAlgorithm = "ML_KEM" };
        })
        {
            Check = static (request, _, key) =>
            {
                CheckEncapsulationAlgorithm(key, request.EncapsulationAlgorithm!);
                int expected = BouncyCastleKeys.CiphertextLength(key.CurrentMaterial.BouncyCastleKey);
                if (request.SharedSecretCiphertextBlob!.Length != expected)
                {
                    throw new KmsException(KmsErrorCodes.InvalidCiphertext,
                        $"The SharedSecretCiphertextBlob is {request.SharedSecretCiphertextBlob.Length} bytes; an encapsulated shared secret of {key.Spec.Name} key {key.Arn} is {expected} bytes.");
                }
            },
        };

    private static void CheckEncapsulationAlgorithm(KmsKey key, string algorithm)
    {
        if (!key.Spec.EncapsulationAlgorithms(key.KeyUsage).Contains(algorithm)) throw KeyChecks.IncompatibleAlgorithm(algorithm, key);
    }
}
