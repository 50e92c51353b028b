using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using KmsLab.Cli.Notebooks;
using KmsLab.Tests.Lessons;
using KmsLab.Tests.Serve;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Connection;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace KmsLab.Tests.Venues;

/// <summary>
/// The kernel as VS Code's Polyglot Notebooks extension runs it: the dotnet-interactive tool started
/// as <c>dotnet-interactive [vscode] stdio --working-dir {the notebook's folder}</c> (the extension's
/// default <c>dotnet-interactive.kernelTransportArgs</c>, no HTTP port), one kernel process per
/// notebook, fed one <c>SubmitCode</c> envelope per code cell in order, in the cell's own kernel
/// (<c>polyglot_notebook.kernelName</c>), over stdin/stdout in the .NET Interactive JSON protocol.
/// Each cell's events become the outputs VS Code saves in the <c>.ipynb</c>, so an executed notebook
/// reads like Jupyter's. Every lesson runs once per test run. The tool missing fails under CI and
/// skips elsewhere.
/// </summary>
internal static class StdioKernel
{
    private static readonly Lazy<Task<StdioRun>> Run = new(ExecuteAllAsync);
    internal static readonly TimeSpan CellTimeout = TimeSpan.FromMinutes(5);

    public static void Require()
    {
        ExternalClients.Require(SafeKernelSpec.FindTool() is not null, "the Microsoft.dotnet-interactive tool (1.0.712001) is not installed");
        ExternalClients.Require(File.Exists("/usr/bin/ss") || File.Exists("/bin/ss"), "ss (Debian: iproute2)");
    }

    /// <summary>Every lesson executed by the stdio kernel (once per test run).</summary>
    public static Task<StdioRun> AllLessonsAsync() => Run.Value;

    private static async Task<StdioRun> ExecuteAllAsync()
    {
        // The extension starts the tool from its global storage folder; --working-dir moves the kernel to the notebook's folder.
        var dir = RunFolders.Create("stdio");
        var clock = Stopwatch.StartNew();
        var lessons = new Dictionary<string, StdioLesson>(StringComparer.Ordinal);
        foreach (var lesson in Repository.LessonFiles)
        {
            var name = Path.GetFileName(lesson);
            var executed = Path.Combine(dir, name);
            await using var session = await StdioSession.StartAsync(SafeKernelSpec.FindTool()!, Path.GetDirectoryName(lesson)!, dir);
            var notebook = await ExecuteAsync(session, lesson);
            var listeners = Listeners.Of(session.ProcessId);
            await File.WriteAllTextAsync(executed, notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            lessons[name] = new StdioLesson(executed, listeners);
        }
        return new StdioRun(dir, lessons, clock.Elapsed);
    }

    /// <summary>Runs every code cell of the notebook at <paramref name="path"/> in order; returns the notebook with their outputs.</summary>
    public static async Task<JsonObject> ExecuteAsync(StdioSession session, string path)
    {
        var notebook = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        int count = 0;
        foreach (var cell in notebook["cells"]!.AsArray().OfType<JsonObject>().Where(c => c["cell_type"]?.GetValue<string>() == "code"))
        {
            // The cell's kernel, as the extension reads it from the notebook's metadata.
            var kernelName = cell["metadata"]?["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
                ?? cell["metadata"]?["dotnet_interactive"]?["language"]?.GetValue<string>()
                ?? notebook["metadata"]?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>()
                ?? "csharp";
            var source = cell["source"] switch
            {
                JsonArray a => string.Concat(a.Select(s => s?.GetValue<string>())),
                JsonValue v => v.GetValue<string>(),
                _ => "",
            };
            cell["outputs"] = await session.SubmitAsync(source, kernelName, ++count);
            cell["execution_count"] = count;
        }
        return notebook;
    }
}

/// <summary>The stdio kernel's run of every lesson: executed notebooks, and what each kernel process listened on.</summary>
internal sealed record StdioRun(string Directory, IReadOnlyDictionary<string, StdioLesson> Lessons, TimeSpan Elapsed)
{
    public JsonObject Notebook(string lesson) => JsonNode.Parse(File.ReadAllText(Lessons[lesson].Executed))!.AsObject();
}

internal sealed record StdioLesson(string Executed, IReadOnlyList<(string Protocol, string Local)> Listeners);

/// <summary>One kernel process over stdio: envelopes out on stdin, one envelope a line back on stdout.</summary>
internal sealed class StdioSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<KernelEvent> _events = Channel.CreateUnbounded<KernelEvent>();
    private readonly Task _reader;
    private readonly Task<string> _stderr;

    private StdioSession(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int ProcessId => _process.Id;

    public string Stderr => _stderr.IsCompleted ? _stderr.Result : "";

    /// <param name="wrapper">a command the tool runs under, e.g. <c>unshare -rn</c> (none: as VS Code starts it)</param>
    public static async Task<StdioSession> StartAsync(string tool, string workingDir, string processDirectory, IReadOnlyList<string>? wrapper = null)
    {
        var start = new ProcessStartInfo(wrapper is { Count: > 0 } ? wrapper[0] : tool)
        {
            WorkingDirectory = processDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in wrapper is { Count: > 0 } ? [.. wrapper.Skip(1), tool] : (string[])[]) start.ArgumentList.Add(a);
        foreach (var a in (string[])["[vscode]", "stdio", "--working-dir", workingDir]) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_CULTURE"] = "en";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        var session = new StdioSession(Process.Start(start)!);
        // The extension waits for KernelReady before it sends the first cell.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            while (await session._events.Reader.ReadAsync(cts.Token) is not KernelReady) { }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            await session.DisposeAsync();
            throw new InvalidOperationException($"dotnet-interactive stdio sent no KernelReady:\n{session.Stderr}", e);
        }
        return session;
    }

    /// <summary>Runs one cell; returns its outputs as VS Code saves them in the .ipynb.</summary>
    public async Task<JsonArray> SubmitAsync(string code, string kernelName, int executionCount)
    {
        var command = new SubmitCode(code, kernelName);
        var token = command.GetOrCreateToken();
        await _process.StandardInput.WriteLineAsync(KernelCommandEnvelope.Serialize(command));
        await _process.StandardInput.FlushAsync();

        var outputs = new JsonArray();
        var displayed = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        using var cts = new CancellationTokenSource(StdioKernel.CellTimeout);
        while (true)
        {
            KernelEvent e;
            try
            {
                e = await _events.Reader.ReadAsync(cts.Token);
            }
            catch (Exception x) when (x is OperationCanceledException or ChannelClosedException)
            {
                outputs.Add(Error("Timeout", $"the kernel did not finish the cell (or exited):\n{Stderr}"));
                return outputs;
            }
            bool root = e.Command?.GetOrCreateToken() == token;
            switch (e)
            {
                case CommandSucceeded when root:
                    return outputs;
                case CommandFailed failed when root:
                    outputs.Add(Error("CommandFailed", failed.Message));
                    return outputs;
                case CommandFailed failed:
                    outputs.Add(Error("CommandFailed", failed.Message));
                    break;
                case ReturnValueProduced value:
                    outputs.Add(new JsonObject { ["output_type"] = "execute_result", ["execution_count"] = executionCount, ["data"] = Data(value.FormattedValues), ["metadata"] = new JsonObject() });
                    break;
                case DisplayedValueUpdated updated when updated.ValueId is { } id && displayed.TryGetValue(id, out var earlier):
                    earlier["data"] = Data(updated.FormattedValues);
                    break;
                case DisplayedValueProduced shown:
                    var display = new JsonObject { ["output_type"] = "display_data", ["data"] = Data(shown.FormattedValues), ["metadata"] = new JsonObject() };
                    if (shown.ValueId is { } valueId) displayed[valueId] = display;
                    outputs.Add(display);
                    break;
                case StandardOutputValueProduced stdout:
                    outputs.Add(Stream("stdout", stdout.FormattedValues));
                    break;
                case StandardErrorValueProduced stderr:
                    outputs.Add(Stream("stderr", stderr.FormattedValues));
                    break;
                case ErrorProduced error:
                    outputs.Add(Error("Error", error.Message));
                    break;
                case DiagnosticsProduced diagnostics:
                    foreach (var d in diagnostics.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)) outputs.Add(Error(d.Code, d.Message));
                    break;
            }
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.Length == 0 || line[0] != '{') continue;
                CommandOrEvent parsed;
                try
                {
                    parsed = Serializer.DeserializeCommandOrEvent(line);
                }
                catch (JsonException)
                {
                    continue;
                }
                if (parsed.Event is { } e) await _events.Writer.WriteAsync(e);
            }
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    private static JsonObject Data(IEnumerable<FormattedValue> values)
    {
        var data = new JsonObject();
        foreach (var v in values) data[v.MimeType] = v.Value;
        return data;
    }

    private static JsonObject Stream(string name, IEnumerable<FormattedValue> values) =>
        new() { ["output_type"] = "stream", ["name"] = name, ["text"] = string.Concat(values.Where(v => v.MimeType == "text/plain").Select(v => v.Value)) };

    private static JsonObject Error(string name, string message) =>
        new() { ["output_type"] = "error", ["ename"] = name, ["evalue"] = message, ["traceback"] = new JsonArray() };

    public async ValueTask DisposeAsync()
    {
        // VS Code ends a notebook's kernel process when the notebook closes.
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        await _process.WaitForExitAsync();
        await Task.WhenAny(_reader, Task.Delay(TimeSpan.FromSeconds(5)));
        _process.Dispose();
    }
}
