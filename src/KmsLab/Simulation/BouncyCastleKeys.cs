using System.Reflection;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace KmsLab.Simulation;

/// <summary>
/// The key pairs the platform cannot hold here — Ed25519 (RFC 8032), ML-DSA (FIPS 204) and ML-KEM
/// (FIPS 203) — through BouncyCastle.Cryptography (.NET 10 has no Ed25519, and its ML-DSA and
/// ML-KEM need OpenSSL 3.5). The engine keeps each as its seed: the 32-byte Ed25519 private key,
/// the 32-byte ML-DSA seed ξ, the 64-byte ML-KEM seed d‖z; the expanded keys follow from it.
/// Randomness comes from the world's injected generator.
/// </summary>
internal static class BouncyCastleKeys
{
    /// <summary>The length of the seed the engine keeps for material of <paramref name="kind"/>.</summary>
    public static int SeedLength(KeyMaterialKind kind) => kind switch
    {
        KeyMaterialKind.Ed25519 => Ed25519PrivateKeyParameters.KeySize,
        KeyMaterialKind.MLDsa => 32,
        KeyMaterialKind.MLKem => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a BouncyCastle key kind."),
    };

    /// <summary>The private key of <paramref name="spec"/> that <paramref name="seed"/> determines.</summary>
    public static AsymmetricKeyParameter PrivateKey(KeySpecInfo spec, byte[] seed) => spec.Kind switch
    {
        KeyMaterialKind.Ed25519 => new Ed25519PrivateKeyParameters(seed),
        KeyMaterialKind.MLDsa => MLDsaPrivateKeyParameters.FromSeed(MLDsa(spec), seed, MLDsaPrivateKeyParameters.Format.SeedOnly),
        KeyMaterialKind.MLKem => MLKemPrivateKeyParameters.FromSeed(MLKem(spec), seed, MLKemPrivateKeyParameters.Format.SeedOnly),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Name, "Not a BouncyCastle key spec."),
    };

    /// <summary>
    /// The public key as DER X.509 SubjectPublicKeyInfo (RFC 5280), with the algorithm's OID and no
    /// parameters: id-Ed25519 1.3.101.112 (RFC 8410), id-ml-dsa-44/65/87
    /// 2.16.840.1.101.3.4.3.17/18/19, id-alg-ml-kem-512/768/1024 2.16.840.1.101.3.4.4.1/2/3.
    /// </summary>
    public static byte[] SubjectPublicKeyInfo(AsymmetricKeyParameter privateKey) =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(PublicKey(privateKey)).GetDerEncoded();

    /// <summary>
    /// The private key as DER PKCS#8 PrivateKeyInfo (RFC 5958): Ed25519 as RFC 8410 §7 gives it
    /// (version 0, the key as a CurvePrivateKey OCTET STRING, no public key: BouncyCastle's default
    /// adds one, which OpenSSL 3.0 cannot read), ML-DSA and ML-KEM as their seed.
    /// </summary>
    public static byte[] PrivateKeyInfo(AsymmetricKeyParameter privateKey) => privateKey is Ed25519PrivateKeyParameters ed
        ? new Org.BouncyCastle.Asn1.Pkcs.PrivateKeyInfo(new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(Org.BouncyCastle.Asn1.EdEC.EdECObjectIdentifiers.id_Ed25519), new Org.BouncyCastle.Asn1.DerOctetString(ed.GetEncoded())).GetDerEncoded()
        : PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetDerEncoded();

    /// <summary>
    /// An Ed25519 signature (64 bytes): PureEdDSA over <paramref name="message"/>, or with
    /// <paramref name="prehash"/> Ed25519ph (RFC 8032 §5.1, empty context), which signs
    /// SHA-512(<paramref name="message"/>).
    /// </summary>
    public static byte[] SignEd25519(AsymmetricKeyParameter privateKey, byte[] message, bool prehash)
    {
        ISigner signer = prehash ? new Ed25519phSigner([]) : new Ed25519Signer();
        signer.Init(true, privateKey);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    public static bool VerifyEd25519(AsymmetricKeyParameter privateKey, byte[] message, byte[] signature, bool prehash)
    {
        ISigner verifier = prehash ? new Ed25519phSigner([]) : new Ed25519Signer();
        verifier.Init(false, PublicKey(privateKey));
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    /// <summary>
    /// An ML-DSA signature (hedged, FIPS 204 Algorithm 2): pure ML-DSA with an empty context over
    /// <paramref name="message"/>, or with <paramref name="externalMu"/> over the 64-byte message
    /// representative μ that the caller computed (FIPS 204 §6.2, Algorithm 7 line 6).
    /// </summary>
    public static byte[] SignMLDsa(AsymmetricKeyParameter privateKey, byte[] message, bool externalMu, RandomNumberGenerator random)
    {
        var signer = new MLDsaSigner(((MLDsaPrivateKeyParameters)privateKey).Parameters, deterministic: false);
        signer.Init(true, new ParametersWithRandom(privateKey, new SecureRandom(new GeneratorOver(random))));
        Absorb(signer, message, externalMu);
        return signer.GenerateSignature();
    }

    public static bool VerifyMLDsa(AsymmetricKeyParameter privateKey, byte[] message, byte[] signature, bool externalMu)
    {
        var verifier = new MLDsaSigner(((MLDsaPrivateKeyParameters)privateKey).Parameters, deterministic: false);
        verifier.Init(false, PublicKey(privateKey));
        Absorb(verifier, message, externalMu);
        return verifier.VerifySignature(signature);
    }

    /// <summary>ML-KEM encapsulation (FIPS 203 Algorithm 20) to the public key: the ciphertext and the 32-byte shared secret.</summary>
    public static (byte[] Ciphertext, byte[] SharedSecret) Encapsulate(AsymmetricKeyParameter privateKey, RandomNumberGenerator random)
    {
        var publicKey = (MLKemPublicKeyParameters)PublicKey(privateKey);
        var encapsulator = new MLKemEncapsulator(publicKey.Parameters);
        encapsulator.Init(new ParametersWithRandom(publicKey, new SecureRandom(new GeneratorOver(random))));
        var ciphertext = new byte[encapsulator.EncapsulationLength];
        var secret = new byte[encapsulator.SecretLength];
        encapsulator.Encapsulate(ciphertext, secret);
        return (ciphertext, secret);
    }

    /// <summary>The ML-KEM ciphertext length of the key: 768, 1088 or 1568 bytes.</summary>
    public static int CiphertextLength(AsymmetricKeyParameter privateKey) => ((MLKemPrivateKeyParameters)privateKey).Parameters.ParameterSet.EncapsulationLength;

    /// <summary>
    /// ML-KEM decapsulation (FIPS 203 Algorithm 21) of a ciphertext of the right length: the shared
    /// secret, or — implicit rejection — a pseudo-random 32 bytes for a ciphertext made otherwise.
    /// </summary>
    public static byte[] Decapsulate(AsymmetricKeyParameter privateKey, byte[] ciphertext)
    {
        var decapsulator = new MLKemDecapsulator(((MLKemPrivateKeyParameters)privateKey).Parameters);
        decapsulator.Init(privateKey);
        var secret = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(ciphertext, secret);
        return secret;
    }

    private static MLDsaParameters MLDsa(KeySpecInfo spec) => spec.Name switch
    {
        "ML_DSA_44" => MLDsaParameters.ml_dsa_44,
        "ML_DSA_65" => MLDsaParameters.ml_dsa_65,
        "ML_DSA_87" => MLDsaParameters.ml_dsa_87,
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Name, "Not an ML-DSA key spec."),
    };

    private static MLKemParameters MLKem(KeySpecInfo spec) => spec.Name switch
    {
        "ML_KEM_512" => MLKemParameters.ml_kem_512,
        "ML_KEM_768" => MLKemParameters.ml_kem_768,
        "ML_KEM_1024" => MLKemParameters.ml_kem_1024,
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Name, "Not an ML-KEM key spec."),
    };

    private static AsymmetricKeyParameter PublicKey(AsymmetricKeyParameter privateKey) => privateKey switch
    {
        Ed25519PrivateKeyParameters ed => ed.GeneratePublicKey(),
        MLDsaPrivateKeyParameters dsa => dsa.GetPublicKey(),
        MLKemPrivateKeyParameters kem => kem.GetPublicKey(),
        _ => throw new ArgumentOutOfRangeException(nameof(privateKey), privateKey.GetType().Name, "Not a BouncyCastle private key."),
    };

    // BouncyCastle 2.7.0 has no public API for an external μ. Its MLDsaSigner absorbs tr and the
    // formatted message M' into a SHAKE256 digest (m_msgRepDigest) and squeezes μ from it once,
    // then uses the digest for the rest of the algorithm. Putting a digest in that field whose first
    // squeeze is the caller's μ gives FIPS 204's Sign_internal/Verify_internal on μ; the ML-DSA
    // interop test (noble's externalMu) checks the result outside .NET. Pinned to 2.7.0 in
    // Directory.Packages.props: an upgrade must rerun that test.
    private static readonly FieldInfo MessageRepresentativeDigest =
        typeof(MLDsaSigner).GetField("m_msgRepDigest", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("BouncyCastle's MLDsaSigner has no m_msgRepDigest field: external mu needs another way in this version.");

    private static void Absorb(MLDsaSigner signer, byte[] message, bool externalMu)
    {
        if (externalMu) MessageRepresentativeDigest.SetValue(signer, new GivenMu(message));
        else signer.BlockUpdate(message, 0, message.Length);
    }

    /// <summary>A SHAKE256 whose first squeeze returns a given μ; afterwards an ordinary, freshly reset SHAKE256.</summary>
    private sealed class GivenMu(byte[] mu) : ShakeDigest(256)
    {
        private bool _given;

        public override int OutputFinal(byte[] output, int outOff, int outLen)
        {
            if (_given) return base.OutputFinal(output, outOff, outLen);
            return Give(output.AsSpan(outOff, outLen));
        }

        public override int OutputFinal(Span<byte> output) => _given ? base.OutputFinal(output) : Give(output);

        private int Give(Span<byte> output)
        {
            if (output.Length != mu.Length) throw new InvalidOperationException($"ML-DSA asked for a {output.Length}-byte mu, not {mu.Length}.");
            _given = true;
            mu.CopyTo(output);
            Reset();
            return output.Length;
        }
    }

    /// <summary>BouncyCastle's random source over the world's injected <see cref="RandomNumberGenerator"/>.</summary>
    private sealed class GeneratorOver(RandomNumberGenerator random) : IRandomGenerator
    {
        public void AddSeedMaterial(byte[] seed)
        {
        }

        public void AddSeedMaterial(ReadOnlySpan<byte> seed)
        {
        }

        public void AddSeedMaterial(long seed)
        {
        }

        public void NextBytes(byte[] bytes) => random.GetBytes(bytes);

        public void NextBytes(byte[] bytes, int start, int len) => random.GetBytes(bytes, start, len);

        public void NextBytes(Span<byte> bytes) => random.GetBytes(bytes);
    }
}
