using System.Text.Json;
using KmsLab.Cli.Notebooks;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Lessons;

/// <summary>
/// The Jupyter kernel <c>kmslab kernel install</c> registers opens no network port of its own: the
/// .NET Interactive tool's HTTP API (which runs any code it is sent, for anyone, from any web
/// origin) is on a Unix socket, and the only TCP listeners are Jupyter's channels on loopback.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class KernelSpecTests
{
    [Fact]
    public void The_kernelspec_moves_the_HTTP_API_to_a_socket_named_after_the_connection_file_and_execs_the_tool()
    {
        var json = SafeKernelSpec.KernelJson("/home/learner/.dotnet/tools/dotnet-interactive", ".net-csharp");
        var argv = json["argv"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal(["/bin/sh", "-c"], argv[..2]);
        Assert.Contains($"{SafeKernelSpec.EndpointVariable}=\"http://unix:${{1%.json}}.http.sock\" exec \"$0\" jupyter --default-kernel csharp --http-local-only \"$1\"", argv[2], StringComparison.Ordinal);
        Assert.Equal(["/home/learner/.dotnet/tools/dotnet-interactive", "{connection_file}"], argv[3..]);
        Assert.Equal(".NET (C#)", json["display_name"]!.GetValue<string>());
        // The lessons' metadata names this kernel: the safe registration is the one they open with.
        foreach (var lesson in Repository.LessonFiles)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(lesson));
            Assert.Equal(".net-csharp", doc.RootElement.GetProperty("metadata").GetProperty("kernelspec").GetProperty("name").GetString());
        }
    }

    [SkippableFact]
    public async Task The_registered_kernel_runs_a_cell_and_listens_on_nothing_but_loopback_and_its_own_socket()
    {
        var python = ExternalClients.Python("jupyter_client");
        ExternalClients.Require(python is not null, "python3 with jupyter_client (Debian: jupyter-client)");
        ExternalClients.Require(File.Exists("/usr/bin/ss") || File.Exists("/bin/ss"), "ss (Debian: iproute2)");

        using var dir = new TempDir();
        var (_, environment) = await TemporaryJupyter.InstallAsync(dir);

        var script = Path.Combine(Repository.Root, "tests", "kernel", "kernel_listeners.py");
        var run = await ExternalClients.RunAsync(python!, [script, ".net-csharp"], dir.Path, environment, TimeSpan.FromMinutes(4),
            extraPath: Path.GetDirectoryName(Environment.ProcessPath));
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        using var report = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]);
        var root = report.RootElement;
        Assert.Equal("ok", root.GetProperty("status").GetString());

        var channels = root.GetProperty("connection_ports").EnumerateArray().Select(p => p.GetInt32()).ToHashSet();
        var listeners = root.GetProperty("listeners").EnumerateArray()
            .Select(l => (Protocol: l.GetProperty("protocol").GetString()!, Local: l.GetProperty("local").GetString()!)).ToList();
        var tcp = listeners.Where(l => l.Protocol.StartsWith("tcp", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tcp);
        foreach (var (_, local) in tcp)
        {
            var (address, port) = Venues.Listeners.Split(local);
            Assert.True(Venues.Listeners.IsLoopback(address), $"the kernel listens on {local}, beyond loopback");
            Assert.True(channels.Contains(port), $"the kernel listens on {local}, which is none of Jupyter's channels ({string.Join(", ", channels)})");
        }
        var connectionFile = root.GetProperty("connection_file").GetString()!;
        Assert.Contains(listeners, l => l.Local == Path.ChangeExtension(connectionFile, ".http.sock"));
    }
}
