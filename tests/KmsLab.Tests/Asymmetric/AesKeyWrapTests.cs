using System.Security.Cryptography;
using KmsLab.Simulation;

namespace KmsLab.Tests.Asymmetric;

/// <summary>AES key wrap with padding (RFC 5649): the RFC's vectors, openssl's id-aesNNN-wrap-pad, and tampering.</summary>
public class AesKeyWrapTests
{
    private const string RfcKek = "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8"; // RFC 5649 §6, a 192-bit KEK

    [Theory]
    [InlineData("c37b7e6492584340bed12207808941155068f738", "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a")]
    [InlineData("466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f")]
    public void Matches_the_RFC_5649_examples(string key, string wrapped)
    {
        var kek = Convert.FromHexString(RfcKek);
        Assert.Equal(wrapped, Convert.ToHexStringLower(AesKeyWrap.WrapWithPadding(kek, Convert.FromHexString(key))));
        Assert.Equal(key, Convert.ToHexStringLower(AesKeyWrap.UnwrapWithPadding(kek, Convert.FromHexString(wrapped))!));
    }

    [Fact]
    public void Round_trips_every_length_and_key_size()
    {
        foreach (int kekLength in new[] { 16, 24, 32 })
        {
            var kek = RandomNumberGenerator.GetBytes(kekLength);
            for (int length = 1; length <= 80; length++)
            {
                var data = RandomNumberGenerator.GetBytes(length);
                var wrapped = AesKeyWrap.WrapWithPadding(kek, data);
                Assert.Equal((length + 7) / 8 * 8 + 8, wrapped.Length);
                Assert.Equal(data, AesKeyWrap.UnwrapWithPadding(kek, wrapped));
            }
        }
    }

    [Fact]
    public void Any_changed_bit_wrong_key_or_bad_length_fails_the_integrity_check()
    {
        var kek = RandomNumberGenerator.GetBytes(32);
        foreach (var data in new[] { RandomNumberGenerator.GetBytes(5), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(1217) })
        {
            var wrapped = AesKeyWrap.WrapWithPadding(kek, data);
            for (int i = 0; i < wrapped.Length; i += Math.Max(1, wrapped.Length / 24))
            {
                var changed = wrapped.ToArray();
                changed[i] ^= 0x01;
                Assert.Null(AesKeyWrap.UnwrapWithPadding(kek, changed));
            }
            Assert.Null(AesKeyWrap.UnwrapWithPadding(RandomNumberGenerator.GetBytes(32), wrapped));
            Assert.Null(AesKeyWrap.UnwrapWithPadding(kek, wrapped[..^8]));
            Assert.Null(AesKeyWrap.UnwrapWithPadding(kek, wrapped[..^1]));
        }
        Assert.Null(AesKeyWrap.UnwrapWithPadding(kek, new byte[8]));
    }

    [Theory]
    [InlineData(32, 32)]
    [InlineData(32, 1)]
    [InlineData(32, 1218)]
    [InlineData(16, 48)]
    [InlineData(24, 7)]
    public void Unwraps_what_openssl_wraps_and_openssl_unwraps_what_KmsLab_wraps(int kekLength, int length)
    {
        using var openssl = new OpenSsl();
        var kek = RandomNumberGenerator.GetBytes(kekLength);
        var data = RandomNumberGenerator.GetBytes(length);
        var cipher = $"-id-aes{kekLength * 8}-wrap-pad";
        openssl.Write("data.bin", data);
        openssl.RunOk("enc", cipher, "-K", Convert.ToHexStringLower(kek), "-iv", "A65959A6", "-in", "data.bin", "-out", "wrapped.bin");
        var byOpenssl = openssl.Read("wrapped.bin");
        Assert.Equal(data, AesKeyWrap.UnwrapWithPadding(kek, byOpenssl));
        Assert.Equal(byOpenssl, AesKeyWrap.WrapWithPadding(kek, data)); // the process is deterministic

        openssl.Write("ours.bin", AesKeyWrap.WrapWithPadding(kek, data));
        openssl.RunOk("enc", "-d", cipher, "-K", Convert.ToHexStringLower(kek), "-iv", "A65959A6", "-in", "ours.bin", "-out", "back.bin");
        Assert.Equal(data, openssl.Read("back.bin"));
    }
}
