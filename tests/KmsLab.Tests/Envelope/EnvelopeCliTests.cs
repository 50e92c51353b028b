using Spectre.Console.Testing;
using KmsLab.Cli.Commands;
using KmsLab.Envelope;
using static KmsLab.Tests.Envelope.TestData;

namespace KmsLab.Tests.Envelope;

/// <summary><c>kmslab encrypt</c> / <c>decrypt</c> on files, against the simulator: all or nothing.</summary>
public sealed class EnvelopeCliTests : IDisposable
{
    private readonly TestLab _lab = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kmslab-cli-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private FileInfo F(string name) => new(Path.Combine(_dir.FullName, name));

    private async Task<(int Code, string Stderr)> EncryptAsync(string key, string input, string output, bool force = false)
    {
        var err = new TestConsole();
        var settings = new EncryptCommand.Settings(F(input), F(output), [key], new Dictionary<string, string> { ["file"] = input },
            AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 1024, force, Quiet: true);
        return (await EncryptCommand.RunAsync(settings, _lab.Kms, err, ephemeralSimulator: false, default), err.Output);
    }

    private async Task<(int Code, string Stderr)> DecryptAsync(string input, string output, string[] keys, bool discovery = false, Dictionary<string, string>? context = null)
    {
        var err = new TestConsole();
        var settings = new DecryptCommand.Settings(F(input), F(output), keys, discovery, [], "aws", context ?? [], null, Force: false, Quiet: true);
        return (await DecryptCommand.RunAsync(settings, _lab.Kms, err, ephemeralSimulator: false, default), err.Output);
    }

    private string[] Leftovers() => [.. _dir.GetFiles("*.kmslab-partial").Select(f => f.Name)];

    [Fact]
    public async Task Encrypt_then_decrypt_files()
    {
        var key = (await _lab.CreateKeyAsync()).Arn;
        var plaintext = Pattern(10_000);
        File.WriteAllBytes(F("plain.txt").FullName, plaintext);
        Assert.Equal((0, ""), await EncryptAsync(key, "plain.txt", "plain.txt.kms"));
        Assert.Equal((0, ""), await DecryptAsync("plain.txt.kms", "strict.out", [key]));
        Assert.Equal((0, ""), await DecryptAsync("plain.txt.kms", "discovery.out", [], discovery: true, context: new() { ["file"] = "plain.txt" }));
        Assert.Equal(plaintext, File.ReadAllBytes(F("strict.out").FullName));
        Assert.Equal(plaintext, File.ReadAllBytes(F("discovery.out").FullName));
        Assert.Empty(Leftovers());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(F("strict.out").FullName));
    }

    [Fact]
    public async Task Tampered_truncated_and_foreign_inputs_leave_no_output()
    {
        var key = (await _lab.CreateKeyAsync()).Arn;
        File.WriteAllBytes(F("plain").FullName, Pattern(5000));
        Assert.Equal(0, (await EncryptAsync(key, "plain", "msg")).Code);
        var message = File.ReadAllBytes(F("msg").FullName);

        var tampered = (byte[])message.Clone();
        tampered[message.Length - 300] ^= 0x04; // inside the body, past several verified frames
        File.WriteAllBytes(F("tampered").FullName, tampered);
        File.WriteAllBytes(F("truncated").FullName, message[..^1]);
        File.WriteAllBytes(F("foreign").FullName, Pattern(500, 9));
        File.WriteAllBytes(F("trailing").FullName, [.. message, 0x00]);

        foreach (var (input, expected) in new[] { ("tampered", "does not authenticate"), ("truncated", "truncated"), ("foreign", "not a valid message"), ("trailing", "Trailing data") })
        {
            var (code, stderr) = await DecryptAsync(input, input + ".out", [key]);
            Assert.Equal(ExitCodes.Failed, code);
            Assert.Contains(expected, stderr);
            Assert.StartsWith("kmslab decrypt: ", stderr);
            Assert.False(F(input + ".out").Exists, $"{input}: an output file was left behind");
        }
        Assert.Empty(Leftovers());

        var other = (await _lab.CreateKeyAsync()).Arn;
        var (c, e) = await DecryptAsync("msg", "other.out", [other]);
        Assert.Equal(ExitCodes.Failed, c);
        Assert.Contains("matches the allowed keys", e);
        Assert.False(F("other.out").Exists);
    }

    [Fact]
    public async Task Usage_errors_have_exit_code_2()
    {
        var key = (await _lab.CreateKeyAsync()).Arn;
        Assert.Equal(ExitCodes.Usage, (await EncryptAsync(key, "missing", "out")).Code);
        File.WriteAllBytes(F("plain").FullName, [1]);
        File.WriteAllBytes(F("exists").FullName, [2]);
        var (code, stderr) = await EncryptAsync(key, "plain", "exists");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--force", stderr);
        Assert.Equal([2], File.ReadAllBytes(F("exists").FullName));
        Assert.Equal(0, (await EncryptAsync(key, "plain", "exists", force: true)).Code);
        Assert.Equal(ExitCodes.Usage, (await DecryptAsync("exists", "x", [])).Code);              // neither --key nor --discovery
        Assert.Equal(ExitCodes.Usage, (await DecryptAsync("exists", "x", [key], discovery: true)).Code);
        Assert.Equal(ExitCodes.Usage, (await DecryptAsync("exists", "x", ["alias/not-an-arn"])).Code);
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void Command_lines_parse()
    {
        var encrypt = EncryptCommand.Create().Parse(["--in", "a", "--out", "b", "--key", "k1", "--key", "k2", "--context", "x=y", "--suite", "0x0478", "--frame-length", "65536"]);
        Assert.Empty(encrypt.Errors);
        Assert.NotEmpty(EncryptCommand.Create().Parse(["--in", "a", "--out", "b"]).Errors); // --key is required
        var decrypt = DecryptCommand.Create().Parse(["-i", "a", "-o", "b", "--discovery", "--discovery-account", "111122223333", "--endpoint-url", "http://127.0.0.1:4566"]);
        Assert.Empty(decrypt.Errors);
        Assert.Empty(EnvelopeBenchCommand.Create().Parse(["--size", "64M", "--suite", "0x0578"]).Errors);
        Assert.Empty(EnvelopeBenchCommand.Create().Parse(["--frame-length", "4096", "--frame-length", "65536", "--parallelism", "1", "--parallelism", "2"]).Errors);
    }

    [Theory]
    [InlineData("0x0478", AlgorithmSuite.AesGcm256HkdfSha512CommitKey)]
    [InlineData("0578", AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384)]
    [InlineData("1144", AlgorithmSuite.AesGcm256HkdfSha512CommitKey)]
    [InlineData("ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384)]
    public void Suites_parse(string text, AlgorithmSuite expected) => Assert.Equal(expected, EncryptCommand.ParseSuite(text));

    [Theory]
    [InlineData("0x0378")]
    [InlineData("fast")]
    public void Unsupported_suites_are_refused(string text) => Assert.Throws<ArgumentException>(() => EncryptCommand.ParseSuite(text));

    [Fact]
    public void Context_pairs_split_at_the_first_equals_sign()
    {
        Assert.Equal("b=c", EncryptDecryptSupport.ParseContext(["a=b=c"])["a"]);
        Assert.Equal("", EncryptDecryptSupport.ParseContext(["empty="])["empty"]);
        Assert.Throws<ArgumentException>(() => EncryptDecryptSupport.ParseContext(["novalue"]));
        Assert.Throws<ArgumentException>(() => EncryptDecryptSupport.ParseContext(["a=1", "a=2"]));
    }

    [Fact]
    public async Task The_envelope_bench_prints_every_row_and_its_ceilings()
    {
        var output = new StringWriter();
        var settings = new EnvelopeBenchCommand.Settings(3 << 20, [4096, 65536], [AlgorithmSuite.AesGcm256HkdfSha512CommitKey, AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384],
            [1, 2], _dir.FullName, OpensslSeconds: 0);
        Assert.Equal(0, await EnvelopeBenchCommand.RunAsync(output, settings, default));
        var text = output.ToString();
        foreach (var suite in new[] { "0x0478", "0x0578" })
        foreach (var frame in new[] { " 4096", "65536" })
        foreach (var par in new[] { 1, 2 })
        foreach (var op in new[] { "encrypt", "decrypt" })
            Assert.Matches($@"(?m)^{suite} +{frame} +{par} {op} ", text);
        Assert.Contains(".NET IncrementalHash SHA-384", text);
        Assert.Contains("openssl speed -evp aes-256-gcm: not measured", text);
        Assert.Contains("peak RSS (VmHWM), whole run:", text);
        Assert.Empty(_dir.GetFiles("kmslab-bench-*"));
    }

    [Fact]
    public void Bench_helpers_parse_sizes_and_openssl_output()
    {
        Assert.Equal(1L << 30, EnvelopeBenchCommand.ParseSize("1G"));
        Assert.Equal(256L << 20, EnvelopeBenchCommand.ParseSize("256MiB"));
        Assert.Equal(1000, EnvelopeBenchCommand.ParseSize("1000"));
        Assert.Throws<ArgumentException>(() => EnvelopeBenchCommand.ParseSize("lots"));
        const string output = "version: 3.0.11\nThe 'numbers' are in 1000s of bytes per second processed.\ntype          16384 bytes\nAES-256-GCM    4168188.90k\n";
        Assert.Equal(4168.1889, EnvelopeBenchCeilings.ParseOpensslSpeed(output)!.Value, 3);
        Assert.Null(EnvelopeBenchCeilings.ParseOpensslSpeed("nothing"));
        Assert.Equal(837.50374, EnvelopeBenchCeilings.ParseOpensslSpeed("type          16384 bytes\nsha384          837503.74k\n", "sha384")!.Value, 3);
        Assert.Null(EnvelopeBenchCeilings.ParseOpensslSpeed(output, "sha384"));
    }
}
