using System.Collections.Concurrent;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Serve;
using Xunit.Abstractions;

namespace KmsLab.Tests.Serve;

/// <summary>The <c>kmslab serve</c> command as a process: its banner, clean stops on Ctrl-C and SIGTERM, and SIGKILL in the middle of writes.</summary>
public sealed class ServeProcessTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-serve-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IAmazonKeyManagementService Client(Uri endpoint) =>
        EndpointClients.Create(endpoint, Lab.Simulator().GetCredentials(Lab.AdministratorName)); // lab users' keys are derived, the same in every process

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task It_prints_how_to_connect_and_stops_cleanly_on_a_signal(string signal)
    {
        var statePath = Path.Combine(_folder, "state.json");
        using var serve = ServeProcess.Start("--state", statePath);
        var endpoint = await serve.WaitUntilListeningAsync();
        var admin = Lab.Simulator().Admin;
        var url = endpoint.GetLeftPart(UriPartial.Authority);
        Assert.Contains($"Endpoint  {url}", serve.Stdout);
        Assert.Contains("Region    us-east-1", serve.Stdout);
        Assert.Contains("Account   111122223333", serve.Stdout);
        Assert.Contains($"aws configure set aws_access_key_id {admin.AccessKeyId} --profile labAdmin", serve.Stdout);
        Assert.Contains($"aws configure set aws_secret_access_key {admin.SecretAccessKey} --profile labAdmin", serve.Stdout);
        Assert.Contains("aws configure set region us-east-1 --profile labAdmin", serve.Stdout);
        Assert.Contains(statePath, serve.Stdout);
        Assert.DoesNotContain("WARNING", serve.Stderr);

        await Client(endpoint).CreateKeyAsync(new CreateKeyRequest());
        serve.Signal(signal);
        Assert.Equal(0, await serve.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Stopped.", serve.Stdout);
        Assert.False(File.Exists(statePath + ".lock"), "a clean stop removes the lock file");
    }

    [Fact]
    public async Task Listening_beyond_loopback_takes_an_explicit_host_and_warns()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = ServeRunner.RunAsync(new ServeOptions(System.Net.IPAddress.Any, 0, null, "eu-west-1"), output, error, stop.Token);
        for (int i = 0; i < 600 && !output.ToString().Contains("Press Ctrl-C", StringComparison.Ordinal); i++) await Task.Delay(50);
        await stop.CancelAsync();
        Assert.Equal(0, await run);
        Assert.Contains("WARNING: listening on 0.0.0.0", error.ToString());
        Assert.Contains("Endpoint  http://127.0.0.1:", output.ToString());
        Assert.Contains("aws configure set region eu-west-1 --profile myKeyUser", output.ToString());
        Assert.Equal(System.Net.IPAddress.Loopback, KmsLab.Cli.Commands.ServeCommand.ParseHost("localhost"));
        Assert.Null(KmsLab.Cli.Commands.ServeCommand.ParseHost("example.com"));
    }

    [Fact]
    public async Task A_port_in_use_is_reported_and_exits_1()
    {
        using var first = ServeProcess.Start();
        var endpoint = await first.WaitUntilListeningAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await ServeRunner.RunAsync(new ServeOptions(System.Net.IPAddress.Loopback, endpoint.Port, null, "us-east-1"), output, error, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains("--port", error.ToString());
    }

    /// <summary>
    /// SIGKILL while eight clients keep changing state (so the server is, most of the time, in the
    /// middle of a commit): after a restart — SQLite recovering what the kill left in its log —
    /// every change a client saw succeed is there, and every ciphertext returned decrypts. Five
    /// rounds on one file, each killed after a different (seeded) number of acknowledged sequences.
    /// </summary>
    [Fact]
    public async Task Nothing_acknowledged_is_lost_when_the_server_is_killed_during_writes()
    {
        var statePath = Path.Combine(_folder, "state.db");
        var acknowledgedKeys = new ConcurrentBag<string>();
        var acknowledgedAliases = new ConcurrentDictionary<string, string>();
        var blobs = new ConcurrentDictionary<string, byte[]>();
        var moments = new Random(25);
        int killAfter = 0;
        for (int round = 0; round < 5; round++)
        {
            killAfter += moments.Next(20, 60);
            using var serve = ServeProcess.Start("--state", statePath);
            var kms = Client(await serve.WaitUntilListeningAsync());
            await AssertAllPresentAsync(kms, acknowledgedKeys, acknowledgedAliases, blobs);

            using var stop = new CancellationTokenSource();
            int done = 0;
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (int i = 0; i < 1000 && !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = $"r{round} w{w} i{i}" })).KeyMetadata.KeyId;
                        acknowledgedKeys.Add(key);
                        var alias = $"alias/r{round}-w{w}-i{i}";
                        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key });
                        acknowledgedAliases[alias] = key;
                        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = alias, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes(alias)) })).CiphertextBlob.ToArray();
                        blobs[alias] = blob;
                        Interlocked.Increment(ref done);
                    }
                    catch (Exception) when (stop.IsCancellationRequested)
                    {
                        return; // the server was killed under this request: it was never acknowledged
                    }
                }
            })).ToArray();
            // Let state build up (bounded), then kill without warning, writers still going.
            for (int wait = 0; wait < 600 && Volatile.Read(ref done) < killAfter; wait++) await Task.Delay(50);
            serve.Signal("KILL");
            await stop.CancelAsync();
            await serve.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await Task.WhenAll(writers);
            // A killed server's file can be exported before anything restarts (read-only, SQLite reading its log).
            Assert.True(KmsLab.Persistence.DatabaseStateStore.ExportAudit(statePath, TextWriter.Null) > 0);
            var wal = new FileInfo(statePath + "-wal");
            log.WriteLine($"round {round}: killed after {Volatile.Read(ref done)} key+alias+encrypt sequences; database {new FileInfo(statePath).Length} bytes, its log {(wal.Exists ? wal.Length + " bytes, left for SQLite to recover" : "absent")}");
        }
        using (var last = ServeProcess.Start("--state", statePath))
        {
            var kms = Client(await last.WaitUntilListeningAsync());
            await AssertAllPresentAsync(kms, acknowledgedKeys, acknowledgedAliases, blobs);
            last.Signal("TERM");
            Assert.Equal(0, await last.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        Assert.True(acknowledgedKeys.Count >= killAfter, $"only {acknowledgedKeys.Count} keys were created");
        // The audit trail came through the kills too: an acknowledged call's event was committed with its change.
        var trail = new StringWriter();
        KmsLab.Persistence.DatabaseStateStore.ExportAudit(statePath, trail);
        var exported = trail.ToString();
        var missing = acknowledgedKeys.Where(k => !exported.Contains(k, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged CreateKey calls are missing from the audit trail");
    }

    private static async Task AssertAllPresentAsync(IAmazonKeyManagementService kms, ConcurrentBag<string> keys, ConcurrentDictionary<string, string> aliases, ConcurrentDictionary<string, byte[]> blobs)
    {
        var listed = new HashSet<string>();
        string? marker = null;
        do
        {
            var page = await kms.ListKeysAsync(new ListKeysRequest { Limit = 1000, Marker = marker });
            listed.UnionWith(page.Keys.Select(k => k.KeyId));
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        var missing = keys.Where(k => !listed.Contains(k)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged keys are missing");
        var listedAliases = new Dictionary<string, string>();
        marker = null;
        do
        {
            var page = await kms.ListAliasesAsync(new ListAliasesRequest { Limit = 100, Marker = marker });
            foreach (var a in page.Aliases) listedAliases[a.AliasName] = a.TargetKeyId;
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        foreach (var (alias, key) in aliases) Assert.Equal(key, listedAliases.GetValueOrDefault(alias));
        foreach (var (alias, blob) in blobs)
        {
            var plain = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
            Assert.Equal(alias, Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
        }
    }
}
