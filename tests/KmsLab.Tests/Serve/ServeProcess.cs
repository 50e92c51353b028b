using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KmsLab.Tests.Serve;

/// <summary><c>kmslab serve</c> as a separate process (the built CLI beside the tests), for restarts, kills and signals.</summary>
public sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Lock _sync = new();

    private ServeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_sync) _stdout.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_sync) _stderr.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>The kmslab command running (<c>serve</c>, <c>xks-proxy</c>).</summary>
    public string Command { get; private init; } = "serve";

    public Uri? Endpoint { get; private set; }

    public string Stdout { get { lock (_sync) return string.Join('\n', _stdout); } }

    public string Stderr { get { lock (_sync) return string.Join('\n', _stderr); } }

    /// <summary>Starts <c>kmslab serve --port 0</c> with the given extra arguments; does not wait for it to listen.</summary>
    public static ServeProcess Start(params string[] arguments) => StartCommand("serve", arguments);

    /// <summary>Starts another kmslab server command (e.g. <c>xks-proxy</c>) with <c>--port 0</c> and the given extra arguments.</summary>
    public static ServeProcess StartCommand(string command, params string[] arguments) => StartCommandOn(command, 0, arguments);

    /// <summary>Starts a kmslab server command on a given port (0: any free one) with the given extra arguments.</summary>
    public static ServeProcess StartCommandOn(string command, int port, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "KmsLab.Cli.dll"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return new ServeProcess(Process.Start(start)!) { Command = command };
    }

    /// <summary>Waits (bounded) until the banner shows the endpoint; fails with the process's output if it exits or times out.</summary>
    public async Task<Uri> WaitUntilListeningAsync(TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        while (deadline.Elapsed < limit)
        {
            var match = EndpointLine().Match(Stdout);
            if (match.Success && Stdout.Contains("Press Ctrl-C to stop.", StringComparison.Ordinal))
            {
                Endpoint = new Uri(match.Groups[1].Value);
                return Endpoint;
            }
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"kmslab {Command} did not start listening.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal by name (TERM, INT, KILL); KILL goes at once, without starting kill(1).</summary>
    public void Signal(string name)
    {
        if (name == "KILL")
        {
            _process.Kill();
            return;
        }
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Endpoint\s+(http://\S+)")]
    private static partial Regex EndpointLine();
}
