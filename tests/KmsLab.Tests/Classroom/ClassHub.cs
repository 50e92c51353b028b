using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using KmsLab.Tests.Lessons;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Classroom;

/// <summary>
/// A class on this machine, as lab-setup/jupyterhub sets one up: two students added with the kit's
/// own <c>class.sh</c>, and JupyterHub started on loopback with the kit's
/// <c>jupyterhub_config.py</c> (from this checkout) over the course that <c>install.sh</c> built
/// into /opt/kmslab. Everything it starts — hub, proxy, servers, kernels, users, their homes and
/// memory cgroups — is gone after the tests. It needs root (it adds Unix users) and the installed
/// kit: missing either fails under CI and skips elsewhere; <c>.ci/run</c> runs install.sh.
/// </summary>
public sealed class ClassHub : IAsyncLifetime
{
    public const string Prefix = "/opt/kmslab";

    /// <summary>The two students: lower case, as Unix and the hub want them.</summary>
    public static readonly (string Name, string Password)[] Students = [("kmslab-ci-ada", "ada-Pa55-word"), ("kmslab-ci-bob", "bob-Pa55-word")];

    /// <summary>The class's instructor: the hub's admin (<c>class.sh instructor</c>).</summary>
    public static readonly (string Name, string Password) Instructor = ("kmslab-ci-teach", "teach-Pa55-word");

    public static string Kit => Path.Combine(Repository.Root, "lab-setup", "jupyterhub");

    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private Task<ClassRun>? _run;
    private Process? _hub;
    private DirectoryInfo? _state;
    private string? _skip;

    /// <summary>The hub's public URL (the proxy), e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    public HttpClient Anonymous { get; } = new() { Timeout = TimeSpan.FromMinutes(3) };

    public string HubLog => _state is null ? "" : File.ReadAllText(Path.Combine(_state.FullName, "hub.log"));

    /// <summary>Fails under CI, skips elsewhere, when this machine cannot host the class.</summary>
    public void Require()
    {
        if (_skip is not null) ExternalClients.Require(false, _skip);
    }

    public async Task InitializeAsync()
    {
        _skip = Missing();
        if (_skip is not null) return;
        foreach (var (name, _) in Students.Append(Instructor)) await RemoveStudentAsync(name);
        var roster = Path.Combine(Path.GetTempPath(), $"kmslab-roster-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(roster, Students.Select(s => $"{s.Name},{s.Password}"));
        try { await RunAsync(Path.Combine(Kit, "class.sh"), ["add", roster]); }
        finally { File.Delete(roster); }
        await RunAsync(Path.Combine(Kit, "class.sh"), ["instructor", Instructor.Name]);
        var (code, output) = Run("sh", ["-c", $"echo '{Instructor.Name}:{Instructor.Password}' | /usr/sbin/chpasswd"]);
        Assert.True(code == 0, output);

        _state = Directory.CreateTempSubdirectory("kmslab-hub-");   // 0700: the hub's secrets and certificates
        int port = FreePort(), hubPort = FreePort(), apiPort = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        var config = Path.Combine(_state.FullName, "jupyterhub_config.py");
        await File.WriteAllTextAsync(config,
            $"""
            # The test's class: the kit's configuration, on loopback ports of its own.
            load_subconfig(r'{Path.Combine(Kit, "jupyterhub_config.py")}')
            c.JupyterHub.bind_url = 'http://127.0.0.1:{port}'
            c.JupyterHub.hub_port = {hubPort}
            c.ConfigurableHTTPProxy.api_url = 'https://127.0.0.1:{apiPort}'
            """);
        var start = new ProcessStartInfo("/usr/bin/jupyterhub") { WorkingDirectory = _state.FullName, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", config }) start.ArgumentList.Add(a);
        start.Environment["KMSLAB_HUB_STATE"] = _state.FullName;
        start.Environment["KMSLAB_HUB_PREFIX"] = Prefix;
        start.Environment.Remove(KmsLab.Progress.ProgressStore.PathVariable);   // each student keeps their own, at home
        var log = new StreamWriter(Path.Combine(_state.FullName, "hub.log")) { AutoFlush = true };
        _hub = Process.Start(start)!;
        _hub.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _hub.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _hub.BeginOutputReadLine();
        _hub.BeginErrorReadLine();
        await UntilAsync(async () => (await Anonymous.GetAsync(new Uri(Url, "hub/api"))).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(90), "the hub to answer");
    }

    /// <summary>Signs <paramref name="student"/> in through the hub's REST API (username and password) and returns their API token.</summary>
    public async Task<string> LogInAsync(string student, string password)
    {
        var response = await Anonymous.PostAsJsonAsync(new Uri(Url, $"hub/api/users/{student}/tokens"),
            new JsonObject { ["auth"] = new JsonObject { ["username"] = student, ["password"] = password }, ["note"] = "kmslab class test", ["expires_in"] = 3600 });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"log-in of {student}: {(int)response.StatusCode} {body}\n{HubLog}");
        return JsonNode.Parse(body)!["token"]!.GetValue<string>();
    }

    /// <summary>The student's token, signing them in the first time.</summary>
    public async Task<string> TokenAsync(string student)
    {
        await _tokenLock.WaitAsync();
        try
        {
            if (!_tokens.TryGetValue(student, out var token))
                _tokens[student] = token = await LogInAsync(student, Students.Append(Instructor).Single(s => s.Name == student).Password);
            return token;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    /// <summary>The two students' lesson runs (<see cref="ClassRun"/>), done once for every test of the class.</summary>
    internal Task<ClassRun> ClassRunAsync()
    {
        lock (_tokens) return _run ??= ClassRun.RunAsync(this);
    }

    /// <summary>An HTTP client that carries <paramref name="token"/>.</summary>
    public static HttpClient As(string token)
    {
        var client = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", token);
        return client;
    }

    /// <summary>Starts the student's notebook server through the hub's REST API (if not running) and returns its URL through the proxy.</summary>
    public async Task<Uri> StartServerAsync(string student)
    {
        using var client = As(await TokenAsync(student));
        var started = await client.PostAsync(new Uri(Url, $"hub/api/users/{student}/server"), null);
        Assert.True(started.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted or HttpStatusCode.BadRequest,
            $"starting {student}'s server: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}\n{HubLog}");
        await UntilAsync(async () =>
        {
            var user = JsonNode.Parse(await client.GetStringAsync(new Uri(Url, $"hub/api/users/{student}")))!;
            return user["servers"]?[""]?["ready"]?.GetValue<bool>() == true;
        }, TimeSpan.FromMinutes(2), $"{student}'s server to be ready");
        return new Uri(Url, $"user/{student}/");
    }

    /// <summary>Stops the student's notebook server through the hub's REST API and waits until the hub says it has stopped.</summary>
    public async Task StopServerAsync(string student)
    {
        using var client = As(await TokenAsync(student));
        var stopped = await client.DeleteAsync(new Uri(Url, $"hub/api/users/{student}/server"));
        Assert.True(stopped.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Accepted, $"stopping {student}'s server: {(int)stopped.StatusCode}");
        await UntilAsync(async () =>
        {
            var user = JsonNode.Parse(await client.GetStringAsync(new Uri(Url, $"hub/api/users/{student}")))!;
            return user["servers"] is JsonObject { Count: 0 };
        }, TimeSpan.FromMinutes(1), $"{student}'s server to stop");
    }

    /// <summary>The pid of the student's notebook server (it runs as them).</summary>
    public static int ServerPid(string student)
    {
        var (code, output) = Run("pgrep", ["-u", student, "-f", "jupyterhub-singleuser"]);
        Assert.True(code == 0, $"{student} has no notebook server process");
        return int.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The memory cgroup <paramref name="pid"/> is in (v2's unified one, else v1's memory hierarchy) and its limit in bytes.</summary>
    public static (string Path, long Limit) MemoryCgroupOf(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/cgroup").Select(l => l.Split(':', 3)).ToList();
        bool v2 = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        var path = v2 ? "/sys/fs/cgroup" + lines.Single(l => l[0] == "0")[2] : "/sys/fs/cgroup/memory" + lines.Single(l => l[1].Split(',').Contains("memory"))[2];
        var limit = File.ReadAllText(Path.Combine(path, v2 ? "memory.max" : "memory.limit_in_bytes")).Trim();
        return (path, long.Parse(limit, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Runs <paramref name="command"/> as the Unix user <paramref name="student"/> (runuser), with their login environment.</summary>
    public static (int ExitCode, string Output) AsStudent(string student, params string[] command) =>
        Run("runuser", ["-u", student, "--", .. command]);

    public static string Home(string student) => Path.Combine("/home", student);

    public async Task DisposeAsync()
    {
        if (_skip is not null) return;
        if (_hub is { HasExited: false })
        {
            foreach (var (name, _) in Students)
            {
                if (!_tokens.TryGetValue(name, out var token)) continue;
                using var client = As(token);
                try { await client.DeleteAsync(new Uri(Url, $"hub/api/users/{name}/server")); }
                catch (HttpRequestException) { }
            }
            Run("kill", ["-TERM", _hub.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _hub.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _hub.Kill(entireProcessTree: true); }
        }
        foreach (var (name, _) in Students.Append(Instructor)) await RemoveStudentAsync(name);
        _state?.Delete(recursive: true);
        Anonymous.Dispose();
    }

    private static string? Missing()
    {
        if (!OperatingSystem.IsLinux()) return "a class on one machine is Linux only";
        if (Environment.UserName != "root") return "the class test adds Unix users: it needs root";
        if (!File.Exists("/usr/bin/jupyterhub")) return "Debian's jupyterhub is not installed (lab-setup/jupyterhub/install.sh)";
        foreach (var path in new[] { "course/cli/KmsLab.Cli.dll", "course/artifacts/kmslab/KmsLab.dll", "proxy/node_modules/.bin/configurable-http-proxy", "tools/dotnet-interactive" })
        {
            if (!File.Exists(Path.Combine(Prefix, path))) return $"{Prefix}/{path} is missing: run lab-setup/jupyterhub/install.sh";
        }
        if (!File.Exists("/usr/local/share/jupyter/kernels/.net-csharp/kernel.json")) return "the .net-csharp kernel is not registered for every user (kmslab kernel install --system)";
        return null;
    }

    private static async Task RemoveStudentAsync(string name)
    {
        if (Run("id", [name]).ExitCode != 0) return;
        if (name == Instructor.Name)
        {
            Run("pkill", ["-u", name]);
            var (code, output) = Run("userdel", ["--remove", name]);
            Assert.True(code == 0, $"userdel {name}: {output}");
        }
        else
        {
            await RunAsync(Path.Combine(Kit, "class.sh"), ["remove", name, "--yes"]);
        }
        // The memory cgroups the hub made for the student's server (v1 under the hub's, or v2's kmslab-class).
        foreach (var dir in Directory.EnumerateDirectories("/sys/fs/cgroup", "kmslab-" + name, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 6, IgnoreInaccessible = true }))
        {
            try { Directory.Delete(dir); }
            catch (IOException) { }
        }
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var result = await ExternalClients.RunAsync(file, arguments, Repository.Root, new Dictionary<string, string>(), TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {result}");
    }

    /// <summary>Runs a command to its end (at most a minute) and returns its exit code and everything it wrote, stdout then stderr.</summary>
    public static (int ExitCode, string Output) Run(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "(killed after a minute) " + stdout.Result + stderr.Result);
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="condition"/> (each call waits on the system under test, so no fixed sleep decides anything) until it holds or <paramref name="limit"/> passes.</summary>
    internal async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException) { }
            Assert.True(DateTime.UtcNow < until, $"Waited {limit.TotalSeconds:0} s for {what}.\n{HubLog}");
            await Task.Delay(250);
        }
    }
}
