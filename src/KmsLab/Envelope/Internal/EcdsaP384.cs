using System.Numerics;
using System.Security.Cryptography;

namespace KmsLab.Envelope.Internal;

/// <summary>
/// The signing side of suite 0x0578: P-384 keys whose public half travels in the encryption context
/// as the base64 of the compressed point (SEC 1 v2, section 2.3.3), and DER (RFC 3279) signatures
/// over the SHA-384 of header and body.
/// </summary>
internal static class EcdsaP384
{
    private const int CoordinateLength = 48;

    // P-384 domain parameters (FIPS 186-4, D.1.2.4): y^2 = x^3 - 3x + b mod p.
    private static readonly BigInteger P = Parse("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff");
    private static readonly BigInteger B = Parse("b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef");

    private static BigInteger Parse(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);

    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP384);

    /// <summary>The base64 compressed public point: 0x02 (even y) or 0x03 (odd y), then x.</summary>
    public static string CompressedPublicKey(ECParameters parameters)
    {
        var x = parameters.Q.X!;
        var y = parameters.Q.Y!;
        var compressed = new byte[1 + CoordinateLength];
        compressed[0] = (byte)(0x02 | (y[^1] & 1));
        x.CopyTo(compressed, 1 + CoordinateLength - x.Length);
        return Convert.ToBase64String(compressed);
    }

    /// <summary>
    /// Decodes the public key from the encryption context; the point must be compressed, on the
    /// curve, and canonical. Failure is a format error (the header says something impossible).
    /// </summary>
    public static ECDsa ImportCompressedPublicKey(string base64)
    {
        byte[] compressed;
        try { compressed = Convert.FromBase64String(base64); }
        catch (FormatException) { throw Bad("is not base64"); }
        if (compressed.Length != 1 + CoordinateLength || (compressed[0] != 0x02 && compressed[0] != 0x03))
            throw Bad("is not a compressed P-384 point");
        var x = new BigInteger(compressed.AsSpan(1), isUnsigned: true, isBigEndian: true);
        if (x >= P) throw Bad("is not a valid P-384 point");
        var rhs = (BigInteger.ModPow(x, 3, P) - 3 * x + B) % P;
        if (rhs.Sign < 0) rhs += P;
        // p = 3 (mod 4), so a square root of rhs, if one exists, is rhs^((p+1)/4).
        var y = BigInteger.ModPow(rhs, (P + 1) / 4, P);
        if (BigInteger.ModPow(y, 2, P) != rhs) throw Bad("is not on the P-384 curve");
        if ((int)(y & 1) != (compressed[0] & 1)) y = P - y;
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP384,
            Q = new ECPoint { X = Fixed(x), Y = Fixed(y) },
        };
        try { return ECDsa.Create(parameters); }
        catch (CryptographicException) { throw Bad("was rejected by the platform"); }
    }

    private static byte[] Fixed(BigInteger v)
    {
        var bytes = new byte[CoordinateLength];
        v.TryWriteBytes(bytes.AsSpan(CoordinateLength - v.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return bytes;
    }

    private static EnvelopeFormatException Bad(string what) =>
        new($"Malformed message header: the '{MessageFormat.PublicKeyContextKey}' encryption context value {what}.");
}
