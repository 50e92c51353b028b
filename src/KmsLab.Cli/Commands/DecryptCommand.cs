using System.CommandLine;
using Amazon.KeyManagementService;
using KmsLab.Cli.Terminal;
using KmsLab.Envelope;
using Spectre.Console;
using static KmsLab.Cli.Commands.EncryptDecryptSupport;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab decrypt</c>: an AWS Encryption SDK message file back into plaintext. The plaintext
/// goes to a temporary file that is renamed into place only after the whole message verified
/// (every frame tag and, for signed messages, the signature): a tampered, truncated or foreign
/// message leaves no output at all.
/// </summary>
/// <remarks>
/// The library streams verified frames as the spec allows; the command trades that for an
/// all-or-nothing output, so a reader of the output file never sees unverified data.
/// </remarks>
internal static class DecryptCommand
{
    internal sealed record Settings(FileInfo In, FileInfo Out, IReadOnlyList<string> Keys, bool Discovery, IReadOnlyList<string> DiscoveryAccounts,
        string DiscoveryPartition, IReadOnlyDictionary<string, string> RequiredContext, int? MaxEncryptedDataKeys, bool Force, bool Quiet)
    {
        public EnvelopeDecryptOptions ToOptions(IProgress<long>? progress)
        {
            if (Discovery == (Keys.Count > 0))
                throw new ArgumentException("Give either --key (strict mode: only these key ARNs) or --discovery (any KMS key the message names), not both or neither.");
            if (!Discovery && DiscoveryAccounts.Count > 0)
                throw new ArgumentException("--discovery-account needs --discovery.");
            var mode = Discovery
                ? EnvelopeDecryptOptions.Discovery(DiscoveryAccounts.Count > 0 ? new DiscoveryFilter(DiscoveryPartition, DiscoveryAccounts) : null)
                : EnvelopeDecryptOptions.Strict(Keys);
            return mode with { RequiredEncryptionContext = RequiredContext, Progress = progress };
        }
    }

    public static Command Create()
    {
        var input = InOption("Message file to decrypt.");
        var output = OutOption("Plaintext file to write (only if the whole message verifies).");
        var keys = KeyOption("KMS key ARN allowed to decrypt (strict mode); repeat for several.");
        var discovery = new Option<bool>("--discovery") { Description = "Discovery mode: use whichever KMS key the message names (instead of --key)." };
        var accounts = new Option<string[]>("--discovery-account") { Description = "With --discovery: only keys of this AWS account; repeat for several.", Arity = ArgumentArity.ZeroOrMore };
        var partition = new Option<string>("--discovery-partition") { Description = "With --discovery-account: the partition.", DefaultValueFactory = _ => "aws" };
        var context = ContextOption("Encryption context pair the message must contain; repeat for several.");
        var maxEdks = MaxEdksOption();
        var endpoint = CommonOptions.EndpointUrl;
        var region = CommonOptions.Region;
        var profile = CommonOptions.Profile;
        var force = ForceOption();
        var quiet = CommonOptions.Quiet;
        var command = new Command("decrypt", "Decrypt an AWS Encryption SDK message file; nothing is written unless the whole message verifies.")
        {
            input, output, keys, discovery, accounts, partition, context, maxEdks, force, region, endpoint, profile, quiet,
        };
        command.SetAction(async (parse, ct) =>
        {
            Settings settings;
            try
            {
                settings = new Settings(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(keys) ?? [], parse.GetValue(discovery),
                    parse.GetValue(accounts) ?? [], parse.GetValue(partition)!, ParseContext(parse.GetValue(context)), parse.GetValue(maxEdks),
                    parse.GetValue(force), parse.GetValue(quiet));
                settings.ToOptions(null);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"kmslab decrypt: {e.Message}");
                return ExitCodes.Usage;
            }
            if (CreateKmsOrExplain("decrypt", parse.GetValue(endpoint), parse.GetValue(region), parse.GetValue(profile), Console.Error) is not { } target) return ExitCodes.Usage;
            return await RunAsync(settings, target.Client, TerminalConsole.ForStandardError(), target.EphemeralSimulator, ct);
        });
        return command;
    }

    internal static Task<int> RunAsync(Settings s, IAmazonKeyManagementService kms, IAnsiConsole stderr, bool ephemeralSimulator, CancellationToken ct)
    {
        return RunFileToFileAsync(s.In, s.Out, s.Force, s.Quiet, stderr, "decrypt", ephemeralSimulator, (source, target, progress, token) =>
        {
            var client = new EnvelopeClient(kms, new EnvelopeClientOptions { MaxEncryptedDataKeys = s.MaxEncryptedDataKeys });
            return client.DecryptAsync(source, target, s.ToOptions(progress), token);
        }, ct);
    }
}
