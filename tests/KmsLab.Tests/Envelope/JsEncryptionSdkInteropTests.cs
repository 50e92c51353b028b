using System.Security.Cryptography;
using System.Text.Json;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;
using KmsLab.Envelope;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Envelope;

/// <summary>
/// The official AWS Encryption SDK for JavaScript (@aws-crypto/client-node), its KMS keyring pointed
/// at <c>kmslab serve</c>, and KmsLab's envelope encryption read each other's messages — both
/// algorithm suites, with an encryption context, several frames.
/// </summary>
public sealed class JsEncryptionSdkInteropTests : IAsyncLifetime
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);
    private ServedLab _served = null!;
    private readonly string _scratch = Directory.CreateTempSubdirectory("kmslab-esdk-").FullName;

    public async Task InitializeAsync() => _served = await ServedLab.StartAsync();

    public async Task DisposeAsync()
    {
        await _served.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private static string? Node()
    {
        var node = ExternalClients.Node();
        return node is not null && Directory.Exists(Path.Combine(ExternalClients.InteropFolder, "node_modules", "@aws-crypto", "client-node")) ? node : null;
    }

    private async Task<ProcessResult> RunEsdkAsync(params string[] arguments)
    {
        var node = Node();
        ExternalClients.Require(node is not null, "node with tests/interop/node_modules (@aws-crypto/client-node, from npm ci) is not installed");
        var env = ExternalClients.AwsEnvironment(_served.Lab);
        return await ExternalClients.RunAsync(node!, [Path.Combine(ExternalClients.InteropFolder, "esdk.mjs"), .. arguments], _scratch, env, ClientTimeout);
    }

    [SkippableTheory]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, "0478", 4096)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, "0578", 4096)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, "0478", EncryptCommand.DefaultFrameLength)] // kmslab encrypt's default
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, "0578", EncryptCommand.DefaultFrameLength)]
    public async Task A_KmsLab_message_decrypts_with_the_JavaScript_Encryption_SDK(AlgorithmSuite suite, string suiteId, int frameLength)
    {
        var kms = _served.CreateClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var plaintext = RandomNumberGenerator.GetBytes(2 * frameLength + 1808); // three frames
        var message = await new EnvelopeClient(kms).EncryptAsync(plaintext, new EnvelopeEncryptOptions
        {
            KeyIds = [key],
            AlgorithmSuite = suite,
            FrameLength = frameLength,
            EncryptionContext = new Dictionary<string, string> { ["department"] = "finance", ["written-by"] = "kmslab" },
        });
        var input = Path.Combine(_scratch, $"kmslab-{suiteId}-{frameLength}.kms");
        var output = Path.Combine(_scratch, $"kmslab-{suiteId}-{frameLength}.out");
        await File.WriteAllBytesAsync(input, message);

        var result = await RunEsdkAsync("decrypt", _served.EndpointUrl, key, input, output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(plaintext, await File.ReadAllBytesAsync(output));
        using var header = JsonDocument.Parse(result.Stdout);
        Assert.Equal(suiteId, header.RootElement.GetProperty("suiteId").GetString());
        Assert.Equal("finance", header.RootElement.GetProperty("encryptionContext").GetProperty("department").GetString());
    }

    [SkippableTheory]
    [InlineData("0478", AlgorithmSuite.AesGcm256HkdfSha512CommitKey)]
    [InlineData("0578", AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384)]
    public async Task A_JavaScript_Encryption_SDK_message_decrypts_with_KmsLab(string suiteId, AlgorithmSuite suite)
    {
        var kms = _served.CreateClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var plaintext = RandomNumberGenerator.GetBytes(10_000);
        var input = Path.Combine(_scratch, $"js-{suiteId}.txt");
        var output = Path.Combine(_scratch, $"js-{suiteId}.kms");
        await File.WriteAllBytesAsync(input, plaintext);

        var result = await RunEsdkAsync("encrypt", _served.EndpointUrl, key, suiteId, input, output, "department=finance", "written-by=javascript");
        Assert.True(result.ExitCode == 0, result.ToString());

        var envelope = new EnvelopeClient(kms);
        var message = await File.ReadAllBytesAsync(output);
        Assert.Equal(plaintext, await envelope.DecryptAsync(message, EnvelopeDecryptOptions.Strict(key)));
        var info = await envelope.DecryptAsync(new MemoryStream(message), new MemoryStream(), EnvelopeDecryptOptions.Strict(key) with
        {
            RequiredEncryptionContext = new Dictionary<string, string> { ["department"] = "finance" },
        });
        Assert.Equal(suite, info.AlgorithmSuite);
        Assert.Equal("javascript", info.EncryptionContext["written-by"]);
    }
}
