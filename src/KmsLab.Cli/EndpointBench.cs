using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;
using KmsLab.Cli.Serve;

namespace KmsLab.Cli;

/// <summary>What <c>kmslab bench --http</c> measures, and against what.</summary>
/// <param name="Endpoint">A running kmslab serve to measure; null starts one in this process.</param>
/// <param name="MotoUrl">A running moto server to compare with; null starts <c>python3 -m moto.server</c>.</param>
/// <param name="WithMoto">False measures kmslab serve alone.</param>
/// <param name="Concurrency">Calls in flight at once, per target.</param>
/// <param name="PerOperation">Measuring time per operation and target.</param>
/// <param name="WarmUp">Unmeasured calls first, per operation and target (JIT, connections).</param>
internal sealed record EndpointBenchOptions(Uri? Endpoint, Uri? MotoUrl, bool WithMoto, int Concurrency, TimeSpan PerOperation, TimeSpan WarmUp);

/// <summary>
/// Encrypt and Decrypt calls per second over loopback HTTP, with the same official .NET SDK client
/// (same settings, no retries), against <c>kmslab serve</c> and against moto's server, in one run.
/// </summary>
internal static class EndpointBench
{
    internal static readonly string[] OperationNames = ["Encrypt", "Decrypt"];

    internal sealed record Result(string Operation, double KmsLabPerSecond, double? MotoPerSecond)
    {
        public double? Ratio => MotoPerSecond is { } moto && moto > 0 ? KmsLabPerSecond / moto : null;
    }

    public static async Task<int> RunAsync(TextWriter output, TextWriter error, EndpointBenchOptions options, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<Result> results;
        try
        {
            results = await MeasureAsync(options, output, cancellationToken);
        }
        catch (BenchSetupException e)
        {
            error.WriteLine($"kmslab bench: {e.Message}");
            return ExitCodes.Failed;
        }
        output.WriteLine();
        output.WriteLine($"{"operation",-10} {"kmslab serve",16} {"moto server",16} {"ratio",9}");
        foreach (var r in results)
        {
            output.WriteLine($"{r.Operation,-10} {r.KmsLabPerSecond,12:N0} c/s {(r.MotoPerSecond is { } m ? $"{m,12:N0} c/s" : "               -"),16} {(r.Ratio is { } x ? $"{x,8:F1}x" : "        -"),9}");
        }
        output.WriteLine("ratio = kmslab serve calls/s ÷ moto calls/s (same client, same machine, loopback HTTP).");
        return ExitCodes.Success;
    }

    internal static async Task<IReadOnlyList<Result>> MeasureAsync(EndpointBenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.Concurrency < 1) throw new BenchSetupException("--concurrency must be at least 1.");
        KmsServer? server = null;
        MotoServer? moto = null;
        try
        {
            Uri kmslabUrl;
            var principal = Lab.Simulator().GetCredentials(Lab.AdministratorName); // lab keys are derived: the same in every kmslab process
            if (options.Endpoint is { } given)
            {
                kmslabUrl = given;
            }
            else
            {
                server = await KmsServer.StartAsync(Lab.Simulator(), new KmsServerOptions { Port = 0 }, cancellationToken);
                kmslabUrl = server.Endpoint;
            }
            Uri? motoUrl = null;
            if (options.WithMoto)
            {
                if (options.MotoUrl is { } running)
                {
                    motoUrl = running;
                }
                else
                {
                    output.WriteLine("Starting moto: python3 -m moto.server -H 127.0.0.1 ...");
                    moto = await MotoServer.StartAsync(cancellationToken);
                    motoUrl = moto.Endpoint;
                }
            }
            output.WriteLine($"KmsLab endpoint bench — {Environment.ProcessorCount} cores, {options.Concurrency} call(s) in flight, {options.PerOperation.TotalSeconds:0.##} s per operation and target, .NET SDK client over loopback HTTP");
            output.WriteLine($"  kmslab serve  {kmslabUrl.GetLeftPart(UriPartial.Authority)}{(server is null ? "" : " (in this process)")}");
            if (motoUrl is not null) output.WriteLine($"  moto server   {motoUrl.GetLeftPart(UriPartial.Authority)}{(moto is null ? "" : $" (moto {moto.Version}, started for this run)")}");

            using var kmslabClient = EndpointClients.Create(kmslabUrl, principal);
            var kmslabCalls = await PrepareAsync(kmslabClient, "kmslab serve", cancellationToken);
            using var motoClient = motoUrl is null ? null : EndpointClients.Create(motoUrl, "testing", "testing");
            var motoCalls = motoClient is null ? null : await PrepareAsync(motoClient, "moto", cancellationToken);

            foreach (var name in OperationNames)
            {
                await CallsPerSecondAsync(kmslabCalls[name], options.Concurrency, options.WarmUp, cancellationToken);
                if (motoCalls is not null) await CallsPerSecondAsync(motoCalls[name], options.Concurrency, options.WarmUp, cancellationToken);
            }
            // Rounds interleave every operation and both targets, so that drift in machine load (the
            // machine may be shared) affects all figures alike.
            const int rounds = 4;
            var kmslab = OperationNames.ToDictionary(n => n, _ => 0.0);
            var other = OperationNames.ToDictionary(n => n, _ => 0.0);
            for (int round = 0; round < rounds; round++)
            {
                foreach (var name in OperationNames)
                {
                    kmslab[name] += await CallsPerSecondAsync(kmslabCalls[name], options.Concurrency, options.PerOperation / rounds, cancellationToken);
                    if (motoCalls is not null) other[name] += await CallsPerSecondAsync(motoCalls[name], options.Concurrency, options.PerOperation / rounds, cancellationToken);
                }
            }
            var results = OperationNames.Select(n => new Result(n, kmslab[n] / rounds, motoCalls is null ? null : other[n] / rounds)).ToList();
            return results;
        }
        finally
        {
            if (moto is not null) await moto.DisposeAsync();
            if (server is not null) await server.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, Func<CancellationToken, Task>>> PrepareAsync(IAmazonKeyManagementService kms, string target, CancellationToken cancellationToken)
    {
        string keyId;
        byte[] blob;
        var plaintext = new byte[128];
        try
        {
            keyId = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "kmslab bench" }, cancellationToken)).KeyMetadata.Arn;
            blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext) }, cancellationToken)).CiphertextBlob.ToArray();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new BenchSetupException($"{target} did not answer CreateKey/Encrypt: {e.Message}");
        }
        return new()
        {
            ["Encrypt"] = ct => kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext) }, ct),
            ["Decrypt"] = ct => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }, ct),
        };
    }

    private static async Task<double> CallsPerSecondAsync(Func<CancellationToken, Task> call, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        long count = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                await call(cancellationToken);
                Interlocked.Increment(ref count);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        return count / watch.Elapsed.TotalSeconds;
    }

    internal sealed class BenchSetupException(string message) : Exception(message);

    /// <summary><c>python3 -m moto.server</c> on a free loopback port, for the length of one run.</summary>
    private sealed class MotoServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Queue<string> _lastLines = new();

        private MotoServer(Process process, Uri endpoint)
        {
            _process = process;
            Endpoint = endpoint;
        }

        public Uri Endpoint { get; }

        public string Version { get; private set; } = "?";

        public static async Task<MotoServer> StartAsync(CancellationToken cancellationToken)
        {
            int port = FreePort();
            var python = PythonLocator.WithModule("moto")
                ?? throw new BenchSetupException("no python3 with the moto package was found (on PATH or in pyenv); install it, or pass --moto-url, or --no-moto.");
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var a in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new BenchSetupException("python3 could not be started.");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new BenchSetupException($"python3 could not be started ({e.Message}); moto needs python3 with the moto package, or pass --moto-url, or --no-moto.");
            }
            var moto = new MotoServer(process, new Uri($"http://127.0.0.1:{port}/"));
            // moto logs every request: drain both pipes (a full pipe would stall it), keep the last lines for errors.
            process.OutputDataReceived += (_, e) => moto.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => moto.Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.StandardInput.Close();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (process.HasExited) break;
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    moto.Version = await VersionAsync(python, cancellationToken);
                    return moto;
                }
                catch (SocketException)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }
            await moto.DisposeAsync();
            throw new BenchSetupException($"moto did not start listening on 127.0.0.1:{port} (is moto installed for python3?). Its last output:\n{string.Join('\n', moto.LastLines())}");
        }

        private void Keep(string? line)
        {
            if (line is null) return;
            lock (_lastLines)
            {
                _lastLines.Enqueue(line);
                if (_lastLines.Count > 20) _lastLines.Dequeue();
            }
        }

        private string[] LastLines()
        {
            lock (_lastLines) return [.. _lastLines];
        }

        private static async Task<string> VersionAsync(string python, CancellationToken cancellationToken)
        {
            try
            {
                var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "-c", "import moto; print(moto.__version__)" }) start.ArgumentList.Add(a);
                using var p = Process.Start(start)!;
                var text = await p.StandardOutput.ReadToEndAsync(cancellationToken);
                await p.WaitForExitAsync(cancellationToken);
                return text.Trim();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "?";
            }
        }

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            _process.Dispose();
        }
    }
}
