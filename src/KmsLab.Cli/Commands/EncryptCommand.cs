using System.CommandLine;
using System.Globalization;
using Amazon.KeyManagementService;
using KmsLab.Cli.Terminal;
using KmsLab.Envelope;
using Spectre.Console;
using static KmsLab.Cli.Commands.EncryptDecryptSupport;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab encrypt</c>: a file into an AWS Encryption SDK message under one or more KMS keys,
/// written to a temporary file and renamed into place only once complete.
/// </summary>
internal static class EncryptCommand
{
    /// <summary>
    /// The command's frame length: larger than the library's 4096 because the per-frame cost of
    /// AES-GCM dominates at 4 KiB (measured with envelope-bench); any SDK decrypts it.
    /// </summary>
    internal const int DefaultFrameLength = 64 * 1024;

    internal sealed record Settings(FileInfo In, FileInfo Out, IReadOnlyList<string> Keys, IReadOnlyDictionary<string, string> Context,
        AlgorithmSuite Suite, int FrameLength, bool Force, bool Quiet);

    public static Command Create()
    {
        var input = InOption("Plaintext file to encrypt.");
        var output = OutOption("Message file to write.");
        var keys = KeyOption("KMS key (ID, ARN, alias or alias ARN); repeat for several keys, any one of which can decrypt. The first generates the data key.");
        keys.Required = true;
        var context = ContextOption("Encryption context pair; repeat for several.");
        var suite = new Option<string>("--suite") { Description = "Algorithm suite: 0x0578 (signed, default) or 0x0478 (unsigned).", DefaultValueFactory = _ => "0x0578" };
        var frameLength = new Option<int>("--frame-length")
        {
            Description = $"Plaintext bytes per frame. Default {DefaultFrameLength} for files, not the SDKs' and the library's 4096: "
                + "each frame costs a fixed AES-GCM setup, so 64 KiB frames encrypt and decrypt 0x0478 about 1.5 times as fast on one core (see envelope-bench); "
                + "the AWS Encryption SDKs and kmslab decrypt read the frame length from the message (kmslab accepts up to 16 MiB).",
            DefaultValueFactory = _ => DefaultFrameLength,
        };
        var endpoint = CommonOptions.EndpointUrl;
        var region = CommonOptions.Region;
        var profile = CommonOptions.Profile;
        var force = ForceOption();
        var quiet = CommonOptions.Quiet;
        var command = new Command("encrypt", "Encrypt a file with envelope encryption (AWS Encryption SDK message format) under KMS keys.")
        {
            input, output, keys, context, suite, frameLength, force, region, endpoint, profile, quiet,
        };
        command.SetAction(async (parse, ct) =>
        {
            Settings settings;
            try
            {
                settings = new Settings(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(keys) ?? [], ParseContext(parse.GetValue(context)),
                    ParseSuite(parse.GetValue(suite)!), parse.GetValue(frameLength), parse.GetValue(force), parse.GetValue(quiet));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"kmslab encrypt: {e.Message}");
                return ExitCodes.Usage;
            }
            if (CreateKmsOrExplain("encrypt", parse.GetValue(endpoint), parse.GetValue(region), parse.GetValue(profile), Console.Error) is not { } target) return ExitCodes.Usage;
            return await RunAsync(settings, target.Client, TerminalConsole.ForStandardError(), target.EphemeralSimulator, ct);
        });
        return command;
    }

    /// <summary>Accepts 0x0578, 0578 (hex), 1400 (decimal) or the ESDK enum names.</summary>
    internal static AlgorithmSuite ParseSuite(string text)
    {
        string t = text.Trim();
        var candidates = new List<ushort>();
        if (t.Equals("ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", StringComparison.OrdinalIgnoreCase)) candidates.Add(0x0578);
        if (t.Equals("ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY", StringComparison.OrdinalIgnoreCase)) candidates.Add(0x0478);
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && ushort.TryParse(t[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var prefixed)) candidates.Add(prefixed);
        if (t.Length == 4 && ushort.TryParse(t, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex)) candidates.Add(hex);
        if (ushort.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var dec)) candidates.Add(dec);
        foreach (var id in candidates)
        {
            if (Enum.IsDefined((AlgorithmSuite)id)) return (AlgorithmSuite)id;
        }
        throw new ArgumentException($"--suite '{text}' is not supported: use 0x0578 (signed) or 0x0478.");
    }

    internal static Task<int> RunAsync(Settings s, IAmazonKeyManagementService kms, IAnsiConsole stderr, bool ephemeralSimulator, CancellationToken ct)
    {
        var client = new EnvelopeClient(kms);
        return RunFileToFileAsync(s.In, s.Out, s.Force, s.Quiet, stderr, "encrypt", ephemeralSimulator, async (source, target, progress, token) =>
        {
            await client.EncryptAsync(source, target, new EnvelopeEncryptOptions
            {
                KeyIds = s.Keys,
                EncryptionContext = s.Context,
                AlgorithmSuite = s.Suite,
                FrameLength = s.FrameLength,
                Progress = progress,
            }, token);
        }, ct);
    }
}
