using System.Net;
using System.Runtime.InteropServices;
using KmsLab.Cli.Commands;
using KmsLab.Hosting;

namespace KmsLab.Cli.Serve;

/// <summary>What <c>kmslab serve</c> was asked to do.</summary>
internal sealed record ServeOptions(IPAddress Host, int Port, string? StatePath, string Region)
{
    /// <summary>With a state file: how many audit events it keeps.</summary>
    public int AuditRetention { get; init; } = new LabOptions().AuditRetention;
}

/// <summary>
/// Runs <c>kmslab serve</c>: loads or creates the state, starts the server, prints how to reach it,
/// and stops cleanly when cancelled (Ctrl-C). Exit codes: 0 stopped normally; 1 the state file
/// could not be used or the port could not be bound.
/// </summary>
internal static class ServeRunner
{
    public static Task<int> RunAsync(ServeOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        UntilSignalledAsync(token => ServeUntilStoppedAsync(options, output, error, token), cancellationToken);

    /// <summary>Runs a server until <paramref name="cancellationToken"/> is cancelled or the process gets Ctrl-C (SIGINT) or a service manager's SIGTERM, both clean stops.</summary>
    internal static async Task<int> UntilSignalledAsync(Func<CancellationToken, Task<int>> serve, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        return await serve(stop.Token);
    }

    private static async Task<int> ServeUntilStoppedAsync(ServeOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        LabStateFile? store = null;
        KmsServer? server = null;
        try
        {
            Lab lab;
            if (options.StatePath is { } path)
            {
                try
                {
                    store = LabStateFile.Open(path, new LabOptions { AuditRetention = options.AuditRetention });
                    lab = store.Lab;
                    if (store.MigratedJsonBackup is { } backup) output.WriteLine($"Migrated the JSON state file {path} into a database; the JSON file is kept as {backup}.");
                }
                catch (InvalidDataException e)
                {
                    error.WriteLine($"kmslab serve: cannot use the state file {path}: {e.Message}");
                    error.WriteLine("Move it away to start with an empty simulator, or point --state at another file.");
                    return ExitCodes.Failed;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"kmslab serve: cannot use the state file {path}: {e.Message}");
                    return ExitCodes.Failed;
                }
            }
            else
            {
                lab = Lab.Simulator();
            }

            if (!IPAddress.IsLoopback(options.Host))
            {
                error.WriteLine($"WARNING: listening on {options.Host}, not on loopback. Anyone who can reach this machine on port {options.Port} can use the simulator with the lab's access keys, which are not secret.");
            }
            try
            {
                server = await KmsServer.StartAsync(lab, new KmsServerOptions { Host = options.Host, Port = options.Port, State = store, Log = error }, cancellationToken);
            }
            catch (IOException e)
            {
                error.WriteLine($"kmslab serve: cannot listen on {options.Host} port {options.Port}: {e.Message} Choose another with --port.");
                return ExitCodes.Failed;
            }

            WriteBanner(output, lab, server.Endpoint, options.Region, store?.Path);
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
            store?.Dispose();
            if (server is not null) output.WriteLine("Stopped.");
        }
    }

    internal static void WriteBanner(TextWriter output, Lab lab, Uri endpoint, string region, string? statePath)
    {
        var url = endpoint.GetLeftPart(UriPartial.Authority);
        output.WriteLine("KmsLab serve: a simulated AWS KMS (not real AWS; nothing it holds is secret)");
        output.WriteLine($"  Endpoint  {url}");
        output.WriteLine($"  Region    {region} (any Region works: each request's signature names its own)");
        output.WriteLine($"  Account   {lab.AccountId}");
        output.WriteLine(statePath is null
            ? "  State     memory only (use --state FILE to keep keys across restarts)"
            : $"  State     {statePath} (a SQLite database: keys and the audit trail kept across restarts)");
        output.WriteLine();
        output.WriteLine("Lab principals and their access keys (the same in every run). To use one with the aws CLI:");
        var principals = lab.Principals.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        foreach (var principal in principals)
        {
            output.WriteLine();
            output.WriteLine($"  # {principal.Name}: {principal.Arn}");
            output.WriteLine($"  aws configure set aws_access_key_id {principal.AccessKeyId} --profile {principal.Name}");
            output.WriteLine($"  aws configure set aws_secret_access_key {principal.SecretAccessKey} --profile {principal.Name}");
            output.WriteLine($"  aws configure set region {region} --profile {principal.Name}");
        }
        var first = principals[0];
        output.WriteLine();
        output.WriteLine("Then add --endpoint-url to every command, for example:");
        output.WriteLine($"  aws kms create-key --profile {first.Name} --endpoint-url {url}");
        output.WriteLine($"boto3: boto3.Session(profile_name=\"{first.Name}\").client(\"kms\", endpoint_url=\"{url}\")");
        output.WriteLine();
        output.WriteLine("Press Ctrl-C to stop.");
        output.Flush();
    }
}
