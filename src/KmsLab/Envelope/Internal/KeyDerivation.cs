using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace KmsLab.Envelope.Internal;

/// <summary>
/// HKDF-SHA512 derivation of the encryption key and the commit key from the data key
/// (framework/transitive-requirements.md): salt = message ID (256 bits); info = suite ID (u16)
/// || "DERIVEKEY" for the encryption key and "COMMITKEY" for the commit key; one extract step
/// shared by both expands.
/// </summary>
internal static class KeyDerivation
{
    private static readonly byte[] DeriveKeyLabel = Encoding.ASCII.GetBytes("DERIVEKEY");
    private static readonly byte[] CommitKeyLabel = Encoding.ASCII.GetBytes("COMMITKEY");

    public static void Derive(AlgorithmSuite suite, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> messageId,
        Span<byte> encryptionKey, Span<byte> commitKey)
    {
        if (dataKey.Length != MessageFormat.DataKeyLength)
            throw new EnvelopeException($"The data key is {dataKey.Length} bytes; the algorithm suite needs {MessageFormat.DataKeyLength}.");
        Span<byte> prk = stackalloc byte[64];
        Span<byte> info = stackalloc byte[2 + DeriveKeyLabel.Length];
        try
        {
            HKDF.Extract(HashAlgorithmName.SHA512, dataKey, messageId, prk);
            BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)suite);
            DeriveKeyLabel.CopyTo(info[2..]);
            HKDF.Expand(HashAlgorithmName.SHA512, prk, encryptionKey[..MessageFormat.EncryptionKeyLength], info);
            HKDF.Expand(HashAlgorithmName.SHA512, prk, commitKey[..MessageFormat.CommitKeyLength], CommitKeyLabel);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }
}
