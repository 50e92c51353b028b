using System.Net;
using KmsLab.Cli.Commands;
using KmsLab.Xks;

namespace KmsLab.Cli.Serve;

/// <summary>What <c>kmslab xks-proxy</c> was asked to do.</summary>
/// <param name="Host">The interface to listen on.</param>
/// <param name="Port">The TCP port (0 picks a free one).</param>
/// <param name="StatePath">The state file, or null for a proxy in memory only.</param>
/// <param name="UriPathPrefix">The path prefix asked for, or null for the state's (or the default).</param>
/// <param name="Keys">External key IDs to create at start if the key manager lacks them.</param>
internal sealed record XksProxyOptions(IPAddress Host, int Port, string? StatePath, string? UriPathPrefix, IReadOnlyList<string> Keys);

/// <summary>
/// Runs <c>kmslab xks-proxy</c>: loads or creates the state, starts the proxy, prints what an
/// external key store needs to reach it (URI endpoint, URI path, credential), logs each request,
/// and stops cleanly on Ctrl-C or SIGTERM. Exit codes: 0 stopped normally; 1 the state file could not
/// be used or the port could not be bound; 2 the options contradict the state.
/// </summary>
internal static class XksProxyRunner
{
    public static Task<int> RunAsync(XksProxyOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        ServeRunner.UntilSignalledAsync(token => ServeUntilStoppedAsync(options, output, error, token), cancellationToken);

    private static async Task<int> ServeUntilStoppedAsync(XksProxyOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        XksStateFile? state = null;
        XksProxyServer? server = null;
        try
        {
            XksKeyManager keys;
            XksCredential credential;
            string prefix;
            if (options.StatePath is { } path)
            {
                state = OpenState(path, options.UriPathPrefix, error, "kmslab xks-proxy");
                if (state is null) return ExitCodes.Failed;
                if (options.UriPathPrefix is { } asked && asked != state.UriPathPrefix)
                {
                    error.WriteLine($"kmslab xks-proxy: the state file {state.Path} keeps the path prefix '{state.UriPathPrefix}', not '{asked}': drop --path-prefix, or use another --state file.");
                    return ExitCodes.Usage;
                }
                (keys, credential, prefix) = (state.Keys, state.Credential, state.UriPathPrefix);
            }
            else
            {
                keys = new XksKeyManager();
                credential = XksCredential.Generate(System.Security.Cryptography.RandomNumberGenerator.Create());
                prefix = options.UriPathPrefix ?? XksStateFile.DefaultUriPathPrefix;
            }
            bool created = false;
            foreach (var keyId in options.Keys.Where(k => keys.Keys.All(existing => existing.KeyId != k)))
            {
                keys.CreateKey(keyId);
                created = true;
            }
            if (state is not null && (state.IsNew || created)) state.Save();

            var proxy = new XksProxy(keys, credential, prefix) { Log = output };
            if (!IPAddress.IsLoopback(options.Host))
                error.WriteLine($"WARNING: listening on {options.Host}, not on loopback, over plain HTTP: anyone who can reach this machine sees the proxy's traffic, the credential's signatures included.");
            try
            {
                server = await XksProxyServer.StartAsync(proxy, options.Host, options.Port, error, cancellationToken);
            }
            catch (IOException e)
            {
                error.WriteLine($"kmslab xks-proxy: cannot listen on {options.Host} port {options.Port}: {e.Message} Choose another with --port.");
                return ExitCodes.Failed;
            }
            WriteBanner(output, proxy, server.Endpoint, state?.Path);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
            output.WriteLine("Stopping...");
            return ExitCodes.Success;
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
            state?.Dispose();
            if (server is not null) output.WriteLine("Stopped.");
        }
    }

    /// <summary>Opens a state file, or reports why it cannot be used and returns null (the file left untouched).</summary>
    internal static XksStateFile? OpenState(string path, string? newPrefix, TextWriter error, string command)
    {
        try
        {
            return XksStateFile.Open(path, newPrefix);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"{command}: {e.Message}");
            error.WriteLine("Point --state at another file (a new one is created), or move this one away.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"{command}: cannot use the state file {path}: {e.Message}");
        }
        return null;
    }

    internal static void WriteBanner(TextWriter output, XksProxy proxy, Uri endpoint, string? statePath)
    {
        var url = endpoint.GetLeftPart(UriPartial.Authority);
        output.WriteLine("KmsLab xks-proxy: an external key store proxy (XKS Proxy API v1) in front of a simulated key manager (software, not an HSM)");
        output.WriteLine($"  Endpoint  {url}  (XksProxyUriEndpoint)");
        output.WriteLine($"  URI path  {proxy.UriPath}  (XksProxyUriPath)");
        output.WriteLine($"  Access key ID      {proxy.Credential.AccessKeyId}");
        output.WriteLine($"  Secret access key  {proxy.Credential.RawSecretAccessKey}");
        output.WriteLine("  (XksProxyAuthenticationCredential: KMS signs every request with it, SigV4 service kms-xks-proxy; keep the secret secret)");
        output.WriteLine(statePath is null
            ? "  State     memory only (use --state FILE to keep the credential and keys across restarts)"
            : $"  State     {statePath} (kept across restarts, readable by you only)");
        var keys = proxy.Keys.Keys;
        output.WriteLine(keys.Count == 0
            ? "  Keys      none yet: kmslab xks-proxy create-key --state FILE --key-id NAME (then restart), or --key NAME"
            : $"  Keys      {string.Join(", ", keys.Select(k => k.Status == XksKeyStatus.Enabled ? k.KeyId : k.KeyId + " (disabled)"))}  (XksKeyId)");
        output.WriteLine();
        output.WriteLine("The AWS KMS console's proxy configuration file for it:");
        output.WriteLine($$$"""  {"XksProxyUriPath": "{{{proxy.UriPath}}}", "XksProxyAuthenticationCredential": {"AccessKeyId": "{{{proxy.Credential.AccessKeyId}}}", "RawSecretAccessKey": "{{{proxy.Credential.RawSecretAccessKey}}}"}}""");
        output.WriteLine();
        output.WriteLine("Try it: curl --aws-sigv4 aws:amz:us-east-1:kms-xks-proxy --user ACCESS_KEY_ID:SECRET -H 'Content-Type: application/json' \\");
        output.WriteLine($$$"""  -d '{"requestMetadata":{"kmsRequestId":"1","kmsOperation":"KmsHealthCheck"}}' {{{url}}}{{{proxy.UriPath}}}/health""");
        output.WriteLine();
        output.WriteLine("Each request is logged below (never its plaintext). Press Ctrl-C to stop.");
        output.Flush();
    }
}
