using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>
/// The import token of GetParametersForImport: opaque to callers, authenticated by the service.
/// It carries everything ImportKeyMaterial needs, so the engine keeps no state per token — the
/// KMS key it is bound to, when it expires, the wrapping algorithm, and the wrapping key pair's
/// private key — sealed with AES-256-GCM under a key of the world:
/// <code>
/// offset size
///   0     1   format version (0x01)
///   1    12   AES-GCM nonce
///  13    16   AES-GCM tag
///  29     n   sealed: key ID (16) | ParametersValidTo, Unix ms (8, big-endian)
///                     | wrapping algorithm (1, index into WrappingAlgorithms.AllNames)
///                     | wrapping private key (PKCS#8)
/// </code>
/// A token that was changed, or that another world sealed, does not open.
/// </summary>
internal static class ImportToken
{
    public const byte FormatVersion = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 1 + NonceLength + TagLength;
    private const int FixedPayload = 16 + 8 + 1;

    private static ReadOnlySpan<byte> Aad => "KmsLab import token v1"u8;

    /// <summary>What an authentic token says.</summary>
    internal sealed record Contents(Guid KeyId, DateTimeOffset ValidTo, string WrappingAlgorithm, byte[] WrappingPrivateKey);

    public static byte[] Seal(ReadOnlySpan<byte> tokenKey, Guid keyId, DateTimeOffset validTo, string wrappingAlgorithm, ReadOnlySpan<byte> wrappingPrivateKey, RandomNumberGenerator random)
    {
        int algorithm = WrappingAlgorithms.AllNames.ToList().IndexOf(wrappingAlgorithm);
        if (algorithm < 0) throw new ArgumentOutOfRangeException(nameof(wrappingAlgorithm), wrappingAlgorithm, "Unknown wrapping algorithm.");
        var payload = new byte[FixedPayload + wrappingPrivateKey.Length];
        try
        {
            keyId.TryWriteBytes(payload, bigEndian: true, out _);
            BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(16), validTo.ToUnixTimeMilliseconds());
            payload[24] = (byte)algorithm;
            wrappingPrivateKey.CopyTo(payload.AsSpan(FixedPayload));

            var token = new byte[HeaderLength + payload.Length];
            token[0] = FormatVersion;
            var nonce = token.AsSpan(1, NonceLength);
            random.GetBytes(nonce);
            using var aes = new AesGcm(tokenKey, TagLength);
            aes.Encrypt(nonce, payload, token.AsSpan(HeaderLength), token.AsSpan(1 + NonceLength, TagLength), Aad);
            return token;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>The token's contents, or null if it is not a token this world sealed (or was changed).</summary>
    public static Contents? Open(ReadOnlySpan<byte> tokenKey, ReadOnlySpan<byte> token)
    {
        if (token.Length < HeaderLength + FixedPayload || token[0] != FormatVersion) return null;
        var payload = new byte[token.Length - HeaderLength];
        try
        {
            using var aes = new AesGcm(tokenKey, TagLength);
            aes.Decrypt(token.Slice(1, NonceLength), token[HeaderLength..], token.Slice(1 + NonceLength, TagLength), payload, Aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        try
        {
            int algorithm = payload[24];
            if (algorithm >= WrappingAlgorithms.AllNames.Count) return null;
            return new Contents(
                new Guid(payload.AsSpan(0, 16), bigEndian: true),
                DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(16))),
                WrappingAlgorithms.AllNames[algorithm],
                payload.AsSpan(FixedPayload).ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }
}
