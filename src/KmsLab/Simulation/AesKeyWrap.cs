using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>
/// AES key wrap with padding (RFC 5649, built on the RFC 3394 wrapping process), the second half
/// of KMS's RSA_AES_KEY_WRAP_SHA_* wrapping algorithms and of openssl's <c>id-aes256-wrap-pad</c>.
/// .NET has no key-wrap API, so this runs the RFC's process over the platform's AES block
/// function (<see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, PaddingMode)"/> on one
/// block at a time is the raw cipher, not a mode of operation).
/// </summary>
internal static class AesKeyWrap
{
    /// <summary>RFC 5649 §3: the 32-bit constant of the alternative initial value.</summary>
    private const uint AivConstant = 0xA65959A6;
    private const int Semiblock = 8;

    /// <summary>RFC 5649 §4.1: wraps <paramref name="plaintext"/> (at least one byte) under an AES key of 16, 24 or 32 bytes.</summary>
    public static byte[] WrapWithPadding(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.IsEmpty) throw new ArgumentException("RFC 5649 wraps one byte or more.", nameof(plaintext));
        using var aes = CreateAes(kek);
        int padded = (plaintext.Length + Semiblock - 1) / Semiblock * Semiblock;
        var output = new byte[Semiblock + padded];
        BinaryPrimitives.WriteUInt32BigEndian(output, AivConstant);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(4), (uint)plaintext.Length);
        plaintext.CopyTo(output.AsSpan(Semiblock));
        if (padded == Semiblock)
        {
            // One semiblock of plaintext: C = AES(K, AIV | P), a single block encryption.
            aes.EncryptEcb(output, output, PaddingMode.None);
            return output;
        }
        WrapInPlace(aes, output);
        return output;
    }

    /// <summary>
    /// RFC 5649 §4.2: unwraps and checks the integrity value and padding. Null when the data was
    /// not wrapped under this key (or was changed): the caller decides which error that is.
    /// </summary>
    public static byte[]? UnwrapWithPadding(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length < 2 * Semiblock || ciphertext.Length % Semiblock != 0) return null;
        using var aes = CreateAes(kek);
        var work = ciphertext.ToArray();
        try
        {
            if (work.Length == 2 * Semiblock) aes.DecryptEcb(work, work, PaddingMode.None);
            else UnwrapInPlace(aes, work);

            // The integrity check: A = A65959A6 | MLI, 8·(n−1) < MLI ≤ 8·n, padding bytes zero.
            int n = work.Length / Semiblock - 1;
            uint constant = BinaryPrimitives.ReadUInt32BigEndian(work);
            uint mli = BinaryPrimitives.ReadUInt32BigEndian(work.AsSpan(4));
            if (constant != AivConstant || mli <= (uint)(Semiblock * (n - 1)) || mli > (uint)(Semiblock * n)) return null;
            int length = (int)mli;
            var padding = work.AsSpan(Semiblock + length);
            if (padding.ContainsAnyExcept((byte)0)) return null;
            return work.AsSpan(Semiblock, length).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(work);
        }
    }

    /// <summary>RFC 3394 §2.2.1 (index form): <paramref name="buffer"/> is A followed by R[1..n]; replaced by C.</summary>
    private static void WrapInPlace(Aes aes, byte[] buffer)
    {
        int n = buffer.Length / Semiblock - 1;
        Span<byte> block = stackalloc byte[2 * Semiblock];
        var a = buffer.AsSpan(0, Semiblock);
        for (int j = 0; j <= 5; j++)
        {
            for (int i = 1; i <= n; i++)
            {
                var r = buffer.AsSpan(i * Semiblock, Semiblock);
                a.CopyTo(block);
                r.CopyTo(block[Semiblock..]);
                aes.EncryptEcb(block, block, PaddingMode.None);
                ulong t = (ulong)(n * j + i);
                BinaryPrimitives.WriteUInt64BigEndian(a, BinaryPrimitives.ReadUInt64BigEndian(block) ^ t);
                block[Semiblock..].CopyTo(r);
            }
        }
        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>RFC 3394 §2.2.2 (index form): <paramref name="buffer"/> is C; replaced by A followed by R[1..n].</summary>
    private static void UnwrapInPlace(Aes aes, byte[] buffer)
    {
        int n = buffer.Length / Semiblock - 1;
        Span<byte> block = stackalloc byte[2 * Semiblock];
        var a = buffer.AsSpan(0, Semiblock);
        for (int j = 5; j >= 0; j--)
        {
            for (int i = n; i >= 1; i--)
            {
                var r = buffer.AsSpan(i * Semiblock, Semiblock);
                ulong t = (ulong)(n * j + i);
                BinaryPrimitives.WriteUInt64BigEndian(block, BinaryPrimitives.ReadUInt64BigEndian(a) ^ t);
                r.CopyTo(block[Semiblock..]);
                aes.DecryptEcb(block, block, PaddingMode.None);
                block[..Semiblock].CopyTo(a);
                block[Semiblock..].CopyTo(r);
            }
        }
        CryptographicOperations.ZeroMemory(block);
    }

    private static Aes CreateAes(ReadOnlySpan<byte> kek)
    {
        if (kek.Length is not (16 or 24 or 32)) throw new ArgumentException("AES key wrap takes a 128-, 192- or 256-bit key.", nameof(kek));
        var aes = Aes.Create();
        aes.Key = kek.ToArray();
        return aes;
    }
}
