using System.CommandLine;
using System.Security.Cryptography;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using KmsLab.Envelope;
using KmsLab.Cli.Terminal;
using KmsLab.Hosting;
using Spectre.Console;

namespace KmsLab.Cli.Commands;

/// <summary>What encrypt and decrypt share: the KMS target, the options, and the write-then-rename rule.</summary>
internal static class EncryptDecryptSupport
{
    public static Option<FileInfo> InOption(string description) => new("--in", "-i") { Description = description, Required = true };

    public static Option<FileInfo> OutOption(string description) => new("--out", "-o") { Description = description, Required = true };

    public static Option<string[]> KeyOption(string description) =>
        new("--key", "-k") { Description = description, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };

    public static Option<string[]> ContextOption(string description) =>
        new("--context", "-c") { Description = description, Arity = ArgumentArity.ZeroOrMore, HelpName = "key=value" };

    public static Option<bool> ForceOption() => new("--force") { Description = "Replace the output file if it exists." };

    public static Option<int?> MaxEdksOption() => new("--max-encrypted-data-keys") { Description = "Refuse messages with more encrypted data keys than this." };

    /// <summary>Where KMS calls go, and whether that is the throw-away in-process simulator.</summary>
    internal sealed record KmsTarget(IAmazonKeyManagementService Client, bool EphemeralSimulator);

    /// <summary>
    /// The lab entry point by default (a fresh simulator); with an endpoint, a client configured as
    /// the lab's real-AWS target configures its own (the profile or the standard credential chain, explicit retries).
    /// </summary>
    /// <exception cref="ArgumentException">A profile without an endpoint (the simulator has its own principals).</exception>
    /// <exception cref="InvalidOperationException">The profile does not exist.</exception>
    public static KmsTarget CreateKms(string? endpointUrl, string? region, string? profile)
    {
        var regionEndpoint = RegionEndpoint.GetBySystemName(region ?? "us-east-1");
        if (string.IsNullOrEmpty(endpointUrl))
        {
            if (profile is not null) throw new ArgumentException("--profile goes with --endpoint-url: without it, KMS calls go to a fresh in-process simulator.");
            return new KmsTarget(Lab.Simulator().CreateKmsClient(regionEndpoint), EphemeralSimulator: true);
        }
        var client = AwsKmsClient.Create(new AwsLabOptions { Region = regionEndpoint, EndpointUrl = endpointUrl, Profile = profile, MaxErrorRetry = 3 }, "--profile");
        return new KmsTarget(client, EphemeralSimulator: false);
    }

    /// <summary>
    /// <see cref="CreateKms"/> for a command: null after writing why to <paramref name="stderr"/>
    /// (a usage error), so the command exits with <see cref="ExitCodes.Usage"/>.
    /// </summary>
    public static KmsTarget? CreateKmsOrExplain(string command, string? endpointUrl, string? region, string? profile, TextWriter stderr)
    {
        try
        {
            return CreateKms(endpointUrl, region, profile);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            stderr.WriteLine($"kmslab {command}: {e.Message}");
            return null;
        }
    }

    /// <summary>Parses repeated <c>key=value</c> options (split at the first '=').</summary>
    public static Dictionary<string, string> ParseContext(IEnumerable<string>? pairs)
    {
        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"--context '{pair}' is not of the form key=value.");
            string key = pair[..eq];
            if (!context.TryAdd(key, pair[(eq + 1)..])) throw new ArgumentException($"--context key '{key}' is given twice.");
        }
        return context;
    }

    /// <summary>
    /// Runs <paramref name="work"/> from the input file into a temporary file beside the output,
    /// and renames it over the output only when the work completed: a failure leaves no partial
    /// (or, for decryption, unverified) output behind. The temporary file is readable by the
    /// owner only. Messages and the progress (<see cref="FileProgress"/>, unless
    /// <paramref name="quiet"/> or the file is small) go to <paramref name="stderr"/>.
    /// </summary>
    public static async Task<int> RunFileToFileAsync(FileInfo input, FileInfo output, bool force, bool quiet, IAnsiConsole stderr, string verb,
        bool ephemeralSimulator, Func<Stream, Stream, IProgress<long>?, CancellationToken, Task> work, CancellationToken ct)
    {
        if (!input.Exists)
        {
            stderr.WriteLinePlain($"kmslab {verb}: input file '{input.FullName}' does not exist.");
            return ExitCodes.Usage;
        }
        if (output.Exists && !force)
        {
            stderr.WriteLinePlain($"kmslab {verb}: output file '{output.FullName}' exists (use --force to replace it).");
            return ExitCodes.Usage;
        }
        string directory = output.DirectoryName ?? ".";
        if (!Directory.Exists(directory))
        {
            stderr.WriteLinePlain($"kmslab {verb}: output directory '{directory}' does not exist.");
            return ExitCodes.Usage;
        }
        string temp = Path.Combine(directory, $".{output.Name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.kmslab-partial");
        try
        {
            long length = input.Length;
            await using (var source = new FileStream(input.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan))
            {
                var options = new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                    BufferSize = 0,
                };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                await using var target = new FileStream(temp, options);
                if (!quiet && length >= FileProgress.MinimumBytes) await FileProgress.RunAsync(stderr, verb, length, progress => work(source, target, progress, ct));
                else await work(source, target, null, ct);
                target.Flush(flushToDisk: true);
            }
            File.Move(temp, output.FullName, overwrite: force);
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is EnvelopeException or ArgumentException or IOException or UnauthorizedAccessException or AmazonClientException or OperationCanceledException)
        {
            TryDelete(temp);
            stderr.WriteLinePlain($"kmslab {verb}: {Describe(e)}");
            if (ephemeralSimulator && e is EnvelopeException { InnerException: AmazonServiceException })
                stderr.WriteLinePlain("  (KMS calls went to a fresh in-process simulator, which has no keys of its own: use --endpoint-url to reach 'kmslab serve' or AWS.)");
            return e is EnvelopeException or AmazonClientException ? ExitCodes.Failed : ExitCodes.Usage;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        EnvelopeAuthenticationException => "the message does not authenticate: " + e.Message,
        EnvelopeFormatException => "not a valid message: " + e.Message,
        OperationCanceledException => "cancelled.",
        _ => e.Message,
    };

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
