using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Simulation;

namespace KmsLab.Tests.Asymmetric;

/// <summary>
/// Key pairs generated once per test run and handed out again (a few per size, in turn), so that a
/// test creating RSA keys does not pay ~0.3 s per RSA_2048 pair on a shared machine. The engine
/// takes them through the same seam as the platform's generator; some tests keep that generator
/// on purpose.
/// </summary>
internal sealed class PooledKeyPairs : KeyPairFactory
{
    public static readonly PooledKeyPairs Instance = new();
    private const int PairsPerSize = 3;
    private readonly Dictionary<int, List<byte[]>> _rsa = [];
    private readonly Dictionary<int, int> _next = [];
    private readonly Lock _sync = new();

    public override RSA CreateRsa(int keySizeInBits)
    {
        byte[] pkcs8;
        lock (_sync)
        {
            if (!_rsa.TryGetValue(keySizeInBits, out var pool)) _rsa[keySizeInBits] = pool = [];
            int next = _next.GetValueOrDefault(keySizeInBits);
            _next[keySizeInBits] = (next + 1) % PairsPerSize;
            if (pool.Count <= next)
            {
                using var fresh = RSA.Create(keySizeInBits);
                pool.Add(fresh.ExportPkcs8PrivateKey());
            }
            pkcs8 = pool[next];
        }
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return rsa;
    }
}

internal static class AsymmetricTestSupport
{
    /// <summary>A TestLab whose RSA key pairs come from <see cref="PooledKeyPairs"/>.</summary>
    public static TestLab Pooled(this TestLab lab)
    {
        lab.Lab.World.KeyPairs = PooledKeyPairs.Instance;
        return lab;
    }

    public static async Task<KeyMetadata> CreateKeyAsync(this TestLab lab, string keySpec, string keyUsage, string origin = "AWS_KMS")
    {
        var response = await lab.Kms.CreateKeyAsync(new CreateKeyRequest
        {
            KeySpec = keySpec,
            KeyUsage = keyUsage,
            Origin = origin,
            Description = $"{keySpec} {keyUsage} test key",
        });
        return response.KeyMetadata;
    }

    public static MemoryStream Stream(byte[] bytes) => new(bytes);

    public static MemoryStream Stream(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Asserts that the SDK call fails with the given AWS error code and returns the exception.</summary>
    public static async Task<AmazonKeyManagementServiceException> AssertErrorAsync(string errorCode, Func<Task> call)
    {
        var e = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(call);
        Assert.Equal(errorCode, e.ErrorCode);
        return e;
    }

    /// <summary>
    /// Wraps key material as a KMS customer does (the wrapping public key is SubjectPublicKeyInfo DER):
    /// RSAES-OAEP directly, or an ephemeral AES-256 key under RSAES-OAEP followed by the material
    /// under AES key wrap with padding.
    /// </summary>
    public static byte[] Wrap(byte[] wrappingPublicKey, string algorithm, byte[] material)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(wrappingPublicKey, out _);
        var padding = algorithm.EndsWith("SHA_1", StringComparison.Ordinal) ? RSAEncryptionPadding.OaepSHA1 : RSAEncryptionPadding.OaepSHA256;
        if (!algorithm.StartsWith("RSA_AES_KEY_WRAP", StringComparison.Ordinal)) return rsa.Encrypt(material, padding);
        var aesKey = RandomNumberGenerator.GetBytes(32);
        return [.. rsa.Encrypt(aesKey, padding), .. AesKeyWrap.WrapWithPadding(aesKey, material)];
    }

    /// <summary>GetParametersForImport, wrap, ImportKeyMaterial (without expiry unless <paramref name="validTo"/> is given).</summary>
    public static async Task<ImportKeyMaterialResponse> ImportAsync(this TestLab lab, string keyId, byte[] material, string algorithm = "RSAES_OAEP_SHA_256", DateTime? validTo = null)
    {
        var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest
        {
            KeyId = keyId,
            WrappingAlgorithm = algorithm,
            WrappingKeySpec = WrappingKeySpec.RSA_2048,
        });
        return await lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = keyId,
            ImportToken = parameters.ImportToken,
            EncryptedKeyMaterial = Stream(Wrap(parameters.PublicKey.ToArray(), algorithm, material)),
            ExpirationModel = validTo is null ? ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE : ExpirationModelType.KEY_MATERIAL_EXPIRES,
            ValidTo = validTo,
        });
    }
}

/// <summary>Runs the machine's <c>openssl</c> in a temporary directory that it deletes afterwards.</summary>
internal sealed class OpenSsl : IDisposable
{
    public OpenSsl() => Directory = System.IO.Directory.CreateTempSubdirectory("kmslab-openssl-").FullName;

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(PathOf(name), bytes);
        return PathOf(name);
    }

    /// <summary>Writes a DER SubjectPublicKeyInfo as a PEM "PUBLIC KEY" file.</summary>
    public string WritePublicKeyPem(string name, byte[] spki)
    {
        File.WriteAllText(PathOf(name), new string(PemEncoding.Write("PUBLIC KEY", spki)) + "\n");
        return PathOf(name);
    }

    public byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    /// <summary>Runs openssl with the arguments; returns its exit code and combined output.</summary>
    public (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs openssl and fails the test unless it exits with 0.</summary>
    public string RunOk(params string[] arguments)
    {
        var (code, output) = Run(arguments);
        Assert.True(code == 0, $"openssl {string.Join(' ', arguments)} exited with {code}: {output}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory left behind is harmless
        }
    }
}
