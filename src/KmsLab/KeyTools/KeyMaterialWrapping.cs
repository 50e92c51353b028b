using System.Security.Cryptography;
using KmsLab.Simulation;

namespace KmsLab.KeyTools;

/// <summary>
/// The client side of importing key material: wrapping it under the public key that
/// GetParametersForImport returned, as the AWS guide does with openssl. KMS has no API for this
/// step, and .NET has no AES key wrap, hence this helper. It works the same against real KMS.
/// </summary>
public static class KeyMaterialWrapping
{
    /// <summary>
    /// Wraps <paramref name="keyMaterial"/> for ImportKeyMaterial's <c>EncryptedKeyMaterial</c>.
    /// RSAES_OAEP_SHA_1/SHA_256: RSAES-OAEP under the wrapping key (material up to 214/190 bytes
    /// for RSA_2048). RSA_AES_KEY_WRAP_SHA_1/SHA_256: a fresh AES-256 key under RSAES-OAEP,
    /// followed by the material wrapped under that AES key with AES key wrap with padding
    /// (RFC 5649) — for material of any size, such as an RSA private key.
    /// </summary>
    /// <param name="wrappingPublicKey">GetParametersForImport's <c>PublicKey</c>: DER SubjectPublicKeyInfo of an RSA key.</param>
    /// <param name="wrappingAlgorithm">The <c>WrappingAlgorithm</c> given to GetParametersForImport.</param>
    /// <param name="keyMaterial">The key material: 32 bytes for a symmetric key, the HMAC key, or a DER PKCS#8 private key.</param>
    public static byte[] Wrap(ReadOnlySpan<byte> wrappingPublicKey, string wrappingAlgorithm, ReadOnlySpan<byte> keyMaterial)
    {
        ArgumentNullException.ThrowIfNull(wrappingAlgorithm);
        if (!WrappingAlgorithms.Supported.Contains(wrappingAlgorithm))
        {
            throw new ArgumentException($"Unsupported wrapping algorithm {wrappingAlgorithm}; use one of {string.Join(", ", WrappingAlgorithms.Supported)}.", nameof(wrappingAlgorithm));
        }
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(wrappingPublicKey, out _);
        var padding = WrappingAlgorithms.OaepPadding(wrappingAlgorithm);
        if (!WrappingAlgorithms.IsRsaAesKeyWrap(wrappingAlgorithm)) return rsa.Encrypt(keyMaterial.ToArray(), padding);
        var aesKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            return [.. rsa.Encrypt(aesKey, padding), .. AesKeyWrap.WrapWithPadding(aesKey, keyMaterial)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(aesKey);
        }
    }
}
