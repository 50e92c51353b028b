using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>
/// Checks outside the simulator with the machine's openssl: KMS signatures verify there, openssl's
/// RSA-OAEP ciphertexts decrypt in KMS, data key pairs work there, and key material wrapped with
/// openssl imports. Nothing here trusts KmsLab's own code on the other side.
/// </summary>
public class OpenSslInteropTests
{
    private static readonly byte[] Message = "release v1.4.2 sha256=9f86d081884c7d65"u8.ToArray();

    [Theory]
    [InlineData("RSA_2048", "RSASSA_PSS_SHA_256", "-sha256")]
    [InlineData("RSA_2048", "RSASSA_PSS_SHA_512", "-sha512")]
    [InlineData("RSA_3072", "RSASSA_PKCS1_V1_5_SHA_384", "-sha384")]
    [InlineData("ECC_NIST_P256", "ECDSA_SHA_256", "-sha256")]
    [InlineData("ECC_NIST_P384", "ECDSA_SHA_384", "-sha384")]
    [InlineData("ECC_NIST_P521", "ECDSA_SHA_512", "-sha512")]
    [InlineData("ECC_SECG_P256K1", "ECDSA_SHA_256", "-sha256")]
    public async Task A_KMS_signature_verifies_with_openssl(string spec, string algorithm, string digest)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, "SIGN_VERIFY");
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = algorithm })).Signature.ToArray();
        var publicKey = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();

        using var openssl = new OpenSsl();
        openssl.WritePublicKeyPem("pub.pem", publicKey);
        openssl.Write("msg.bin", Message);
        openssl.Write("sig.bin", signature);
        // PSS: "digest" makes openssl insist that the salt is exactly the hash length, as KMS's is.
        string[] pss = algorithm.StartsWith("RSASSA_PSS") ? ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"] : [];
        var output = openssl.RunOk(["dgst", digest, .. pss, "-verify", "pub.pem", "-signature", "sig.bin", "msg.bin"]);
        Assert.Contains("Verified OK", output);

        openssl.Write("other.bin", "release v1.4.3"u8.ToArray());
        var (code, failure) = openssl.Run(["dgst", digest, .. pss, "-verify", "pub.pem", "-signature", "sig.bin", "other.bin"]);
        Assert.NotEqual(0, code);
        Assert.Contains("Verification failure", failure);
    }

    [Theory]
    [InlineData("ECC_NIST_P256", "ECDSA_SHA_256", "sha256")]
    [InlineData("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", "sha256")]
    public async Task A_signature_of_a_DIGEST_verifies_with_openssl_pkeyutl(string spec, string algorithm, string digestName)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, "SIGN_VERIFY");
        var digest = SHA256.HashData(Message);
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(digest), MessageType = MessageType.DIGEST, SigningAlgorithm = algorithm })).Signature.ToArray();
        var publicKey = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        using var openssl = new OpenSsl();
        openssl.WritePublicKeyPem("pub.pem", publicKey);
        openssl.Write("digest.bin", digest);
        openssl.Write("sig.bin", signature);
        var output = openssl.RunOk("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-in", "digest.bin", "-sigfile", "sig.bin", "-pkeyopt", "digest:" + digestName);
        Assert.Contains("Signature Verified Successfully", output);
    }

    [Theory]
    [InlineData("RSAES_OAEP_SHA_256", "sha256")]
    [InlineData("RSAES_OAEP_SHA_1", "sha1")]
    public async Task Data_encrypted_by_openssl_with_the_public_key_decrypts_in_KMS(string algorithm, string md)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var publicKey = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        using var openssl = new OpenSsl();
        openssl.WritePublicKeyPem("pub.pem", publicKey);
        var secret = RandomNumberGenerator.GetBytes(algorithm == "RSAES_OAEP_SHA_1" ? 214 : 190); // the largest each allows
        openssl.Write("secret.bin", secret);
        openssl.RunOk("pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:" + md, "-pkeyopt", "rsa_mgf1_md:" + md, "-in", "secret.bin", "-out", "ct.bin");
        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.Arn, CiphertextBlob = Stream(openssl.Read("ct.bin")), EncryptionAlgorithm = algorithm });
        Assert.Equal(secret, decrypted.Plaintext.ToArray());
    }

    [Theory]
    [InlineData("ECC_NIST_P384", "-sha384")]
    [InlineData("ECC_SECG_P256K1", "-sha256")]
    [InlineData("RSA_2048", "-sha256")]
    public async Task A_data_key_pair_s_private_key_signs_in_openssl_and_its_public_key_verifies(string pairSpec, string digest)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync();
        var pair = await lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = pairSpec });
        using var openssl = new OpenSsl();
        openssl.Write("private.der", pair.PrivateKeyPlaintext.ToArray());
        openssl.WritePublicKeyPem("public.pem", pair.PublicKey.ToArray());
        openssl.Write("msg.bin", Message);

        // openssl reads the PKCS#8 private key and derives the very public key KMS returned.
        openssl.RunOk("pkey", "-inform", "DER", "-in", "private.der", "-pubout", "-outform", "DER", "-out", "derived.der");
        Assert.Equal(pair.PublicKey.ToArray(), openssl.Read("derived.der"));

        openssl.RunOk("dgst", digest, "-sign", "private.der", "-keyform", "DER", "-out", "sig.bin", "msg.bin");
        Assert.Contains("Verified OK", openssl.RunOk("dgst", digest, "-verify", "public.pem", "-signature", "sig.bin", "msg.bin"));
        // And .NET agrees, with nothing but the DER public key.
        var algorithm = pairSpec.StartsWith("RSA") ? "RSASSA_PKCS1_V1_5_SHA_256" : digest == "-sha384" ? "ECDSA_SHA_384" : "ECDSA_SHA_256";
        Assert.True(SignVerifyTests.VerifyOutside(pair.PublicKey.ToArray(), algorithm, Message, openssl.Read("sig.bin")));
    }

    [Theory]
    [InlineData("RSAES_OAEP_SHA_256", "sha256")]
    [InlineData("RSAES_OAEP_SHA_1", "sha1")]
    public async Task Key_material_wrapped_by_openssl_pkeyutl_imports_and_decrypts_what_was_encrypted_under_it(string algorithm, string md)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", origin: "EXTERNAL");
        using var openssl = new OpenSsl();
        openssl.RunOk("rand", "-out", "material.bin", "32");

        await ImportWithOpensslAsync(lab, openssl, key.KeyId, algorithm, md, "material.bin");
        var secret = "encrypted under my own key material"u8.ToArray();
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(secret) })).CiphertextBlob.ToArray();

        // Let the material go, import it again (RSA_AES_KEY_WRAP this time), and the old ciphertext decrypts.
        await lab.Kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId });
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Stream(blob) }));
        await ImportWithOpensslAsync(lab, openssl, key.KeyId, "RSA_AES_KEY_WRAP_SHA_256", "sha256", "material.bin");
        Assert.Equal(secret, (await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Stream(blob) })).Plaintext.ToArray());

        // Other material wrapped the same way is refused.
        openssl.RunOk("rand", "-out", "other.bin", "32");
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => ImportWithOpensslAsync(lab, openssl, key.KeyId, algorithm, md, "other.bin"));
    }

    [Fact]
    public async Task An_RSA_private_key_made_by_openssl_imports_with_RSA_AES_KEY_WRAP_and_KMS_signatures_verify_against_it()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "SIGN_VERIFY", origin: "EXTERNAL");
        using var openssl = new OpenSsl();
        // As the AWS guide does: KMS takes a DER PKCS#8 PrivateKeyInfo, which genpkey's DER output (PKCS#1) is not.
        openssl.RunOk("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
        openssl.RunOk("pkcs8", "-topk8", "-nocrypt", "-in", "rsa.pem", "-outform", "DER", "-out", "rsa.der");
        openssl.RunOk("rsa", "-in", "rsa.pem", "-traditional", "-outform", "DER", "-out", "rsa-pkcs1.der");
        openssl.RunOk("pkey", "-in", "rsa.pem", "-pubout", "-out", "rsa-pub.pem");
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => ImportWithOpensslAsync(lab, openssl, key.KeyId, "RSA_AES_KEY_WRAP_SHA_1", "sha1", "rsa-pkcs1.der"));
        await ImportWithOpensslAsync(lab, openssl, key.KeyId, "RSA_AES_KEY_WRAP_SHA_1", "sha1", "rsa.der");

        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PSS_SHA_256 })).Signature.ToArray();
        openssl.Write("msg.bin", Message);
        openssl.Write("sig.bin", signature);
        Assert.Contains("Verified OK", openssl.RunOk("dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest", "-verify", "rsa-pub.pem", "-signature", "sig.bin", "msg.bin"));
    }

    [Fact]
    public async Task An_EC_private_key_made_by_openssl_imports_and_KMS_reports_its_public_key()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("ECC_SECG_P256K1", "SIGN_VERIFY", origin: "EXTERNAL");
        using var openssl = new OpenSsl();
        openssl.RunOk("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", "ec.pem");
        openssl.RunOk("pkcs8", "-topk8", "-nocrypt", "-in", "ec.pem", "-outform", "DER", "-out", "ec.der");
        openssl.RunOk("pkey", "-in", "ec.pem", "-pubout", "-outform", "DER", "-out", "ec-pub.der");
        await ImportWithOpensslAsync(lab, openssl, key.KeyId, "RSAES_OAEP_SHA_256", "sha256", "ec.der");
        var publicKey = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        Assert.Equal(openssl.Read("ec-pub.der"), publicKey);
    }

    /// <summary>
    /// The AWS documentation's recipe, run with openssl: GetParametersForImport, then either
    /// <c>pkeyutl -encrypt</c> (RSAES_OAEP_*) or an ephemeral AES key with <c>enc -id-aes256-wrap-pad</c>
    /// followed by the RSA-encrypted AES key (RSA_AES_KEY_WRAP_*), then ImportKeyMaterial.
    /// </summary>
    private static async Task ImportWithOpensslAsync(TestLab lab, OpenSsl openssl, string keyId, string algorithm, string md, string materialFile)
    {
        var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = keyId, WrappingAlgorithm = algorithm, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        openssl.WritePublicKeyPem("wrap.pem", parameters.PublicKey.ToArray());
        string[] oaep = ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:" + md, "-pkeyopt", "rsa_mgf1_md:" + md];
        byte[] encrypted;
        if (algorithm.StartsWith("RSA_AES_KEY_WRAP"))
        {
            openssl.RunOk("rand", "-out", "aes.bin", "32");
            var aesKeyHex = Convert.ToHexStringLower(openssl.Read("aes.bin"));
            openssl.RunOk("enc", "-id-aes256-wrap-pad", "-K", aesKeyHex, "-iv", "A65959A6", "-in", materialFile, "-out", "material-wrapped.bin");
            openssl.RunOk(["pkeyutl", "-encrypt", "-pubin", "-inkey", "wrap.pem", .. oaep, "-in", "aes.bin", "-out", "aes-wrapped.bin"]);
            encrypted = [.. openssl.Read("aes-wrapped.bin"), .. openssl.Read("material-wrapped.bin")];
        }
        else
        {
            openssl.RunOk(["pkeyutl", "-encrypt", "-pubin", "-inkey", "wrap.pem", .. oaep, "-in", materialFile, "-out", "encrypted.bin"]);
            encrypted = openssl.Read("encrypted.bin");
        }
        await lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = keyId,
            ImportToken = parameters.ImportToken,
            EncryptedKeyMaterial = Stream(encrypted),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        });
    }
}
