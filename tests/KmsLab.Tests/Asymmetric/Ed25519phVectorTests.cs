using KmsLab.Simulation;

namespace KmsLab.Tests.Asymmetric;

/// <summary>The engine's Ed25519 and Ed25519ph against RFC 8032's known-answer vectors (§7.1 TEST 1, §7.3 TEST abc), besides the noble checks.</summary>
public class Ed25519phVectorTests
{
    [Fact]
    public void Ed25519ph_matches_RFC_8032_section_7_3()
    {
        var spec = KeySpecInfo.Get("ECC_NIST_EDWARDS25519");
        var key = BouncyCastleKeys.PrivateKey(spec, Convert.FromHexString("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"));
        var signature = BouncyCastleKeys.SignEd25519(key, "abc"u8.ToArray(), prehash: true);
        Assert.Equal("98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406", Convert.ToHexStringLower(signature));
        Assert.EndsWith("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf", Convert.ToHexStringLower(BouncyCastleKeys.SubjectPublicKeyInfo(key)));
    }

    [Fact]
    public void Ed25519_matches_RFC_8032_section_7_1_test_1()
    {
        var spec = KeySpecInfo.Get("ECC_NIST_EDWARDS25519");
        var key = BouncyCastleKeys.PrivateKey(spec, Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        var signature = BouncyCastleKeys.SignEd25519(key, [], prehash: false);
        Assert.Equal("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", Convert.ToHexStringLower(signature));
    }
}
