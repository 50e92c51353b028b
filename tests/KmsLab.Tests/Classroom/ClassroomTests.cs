using System.Net;
using KmsLab.Cli.Commands;
using KmsLab.Cli.Exam;
using KmsLab.Tests.Lessons;
using KmsLab.Tests.Venues;
using Microsoft.Playwright;
using Spectre.Console.Testing;

namespace KmsLab.Tests.Classroom;

/// <summary>
/// A class in the browser (lab-setup/jupyterhub): JupyterHub on loopback with the kit's
/// configuration, two students signed in through its REST API, each running a lesson in a kernel
/// of their own server; their worlds, servers, kernels and files out of each other's reach; the
/// instructor's class report of what each did; and a student's lesson as the browser shows it.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class ClassroomTests(ClassHub hub) : IClassFixture<ClassHub>
{
    private static string Ada => ClassHub.Students[0].Name;

    private static string Bob => ClassHub.Students[1].Name;

    [SkippableFact]
    public async Task Two_students_run_a_lesson_each_in_a_world_of_their_own()
    {
        hub.Require();
        var run = await hub.ClassRunAsync();
        foreach (var student in new[] { run.Ada, run.Bob })
        {
            Assert.All(student.Cells, c => Assert.True(c.Run.Error is null, $"{student.Student}: a cell failed: {c.Run.Error}\n{c.Cell.Source}"));
            // The kernel runs as the student, in the student's own copy of the lessons.
            Assert.Equal($"{student.Student} in {ClassHub.Home(student.Student)}/kmslab-course/notebooks", student.WhoAmI);
        }
        Assert.Contains("well done", run.Ada.Check.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not yet", run.Bob.Check.Text, StringComparison.OrdinalIgnoreCase);
        // Ada's key exists in Ada's simulator only.
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-", run.AdasKeyId);
        Assert.Null(run.BobLooksForAdasKey.Error);
        Assert.Contains("NotFoundException", run.BobLooksForAdasKey.Text, StringComparison.Ordinal);
        // Each kept their own progress, in their own home, owned by them.
        foreach (var student in new[] { Ada, Bob })
        {
            var progress = KmsLab.Progress.ProgressStore.InHome(ClassHub.Home(student));
            Assert.True(File.Exists(progress), $"no progress file for {student} at {progress}");
            Assert.Equal(student, ClassHub.Run("stat", ["-c", "%U", progress]).Output.Trim());
        }
    }

    [SkippableFact]
    public async Task A_student_cannot_reach_another_students_server_kernel_or_files()
    {
        hub.Require();
        var run = await hub.ClassRunAsync();
        var adaToken = await hub.TokenAsync(Ada);
        using var ada = ClassHub.As(adaToken);

        // Through the hub: Ada's token opens Ada's server and nothing of Bob's.
        Assert.Equal(HttpStatusCode.OK, (await ada.GetAsync(new Uri(run.Ada.Server, "api/kernels"))).StatusCode);
        var bobsKernels = await ada.GetAsync(new Uri(run.Bob.Server, "api/kernels"));
        Assert.Equal(HttpStatusCode.Forbidden, bobsKernels.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ada.GetAsync(new Uri(run.Bob.Server, $"api/kernels/{run.Bob.KernelId}"))).StatusCode);
        // The hub's own API does not even tell Ada whether Bob exists.
        Assert.Equal(HttpStatusCode.NotFound, (await ada.PostAsync(new Uri(hub.Url, $"hub/api/users/{Bob}/server"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ada.GetAsync(new Uri(hub.Url, $"hub/api/users/{Bob}"))).StatusCode);
        // Ada's own server serves no file outside her home.
        Assert.NotEqual(HttpStatusCode.OK, (await ada.GetAsync(new Uri(run.Ada.Server, $"api/contents/..%2F{Bob}"))).StatusCode);

        // On the machine, as Ada's Unix user. Every socket Bob's server and kernel listen on is on
        // loopback: the kernel's five Jupyter channels (signed with a key in his private connection
        // file), its HTTP API on a Unix socket beside that file and on no TCP port, and one port of
        // his notebook server, which refuses Ada at the TLS handshake — with no certificate and with
        // her own server's.
        var connectionFile = Path.Combine(ClassHub.Home(Bob), ".local", "share", "jupyter", "runtime", $"kernel-{run.Bob.KernelId}.json");
        using var connection = System.Text.Json.JsonDocument.Parse(File.ReadAllText(connectionFile));
        var channels = new[] { "shell_port", "iopub_port", "stdin_port", "control_port", "hb_port" }.Select(p => connection.RootElement.GetProperty(p).GetInt32()).ToHashSet();
        var listeners = Listeners.Of(ClassHub.ServerPid(Bob));
        var tcp = listeners.Where(l => Listeners.IsInternet(l.Protocol)).Select(l => Listeners.Split(l.Local)).ToList();
        Assert.All(tcp, l => Assert.True(Listeners.IsLoopback(l.Address), $"Bob's processes listen on {l.Address}:{l.Port}"));
        Assert.Subset(tcp.Select(l => l.Port).ToHashSet(), channels);
        var serverPort = Assert.Single(tcp.Select(l => l.Port).Where(p => !channels.Contains(p)).Distinct());
        Assert.Contains(listeners, l => l.Local == Path.ChangeExtension(connectionFile, ".http.sock"));
        var certs = Path.Combine(ClassHub.Home(Ada), ".jupyterhub", "jupyterhub-certs");
        var bare = ClassHub.AsStudent(Ada, "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", $"https://127.0.0.1:{serverPort}/user/{Bob}/api/kernels");
        Assert.True(bare.ExitCode is 35 or 55 or 56, $"curl to Bob's server without a client certificate: exit {bare.ExitCode}, {bare.Output}");
        var withHers = ClassHub.AsStudent(Ada, "curl", "-sk", "--cert", Path.Combine(certs, $"user-{Ada}.crt"), "--key", Path.Combine(certs, $"user-{Ada}.key"),
            "-o", "/dev/null", "-w", "%{http_code}", $"https://127.0.0.1:{serverPort}/user/{Bob}/api/kernels");
        Assert.True(withHers.ExitCode is 35 or 55 or 56, $"curl to Bob's server with Ada's own certificate: exit {withHers.ExitCode}, {withHers.Output}");

        // Bob's files, his kernels' connection files (their signing keys) and his progress: closed to Ada.
        foreach (var path in new[] { ClassHub.Home(Bob), connectionFile, KmsLab.Progress.ProgressStore.InHome(ClassHub.Home(Bob)), Path.Combine(ClassHub.Home(Bob), ClassRun.LessonPath) })
        {
            var (code, output) = ClassHub.AsStudent(Ada, "cat", path);
            Assert.True(code != 0 && output.Contains("Permission denied", StringComparison.Ordinal), $"Ada reading {path}: exit {code}, {output}");
        }
        var (lsCode, lsOutput) = ClassHub.AsStudent(Ada, "ls", ClassHub.Home(Bob));
        Assert.True(lsCode != 0 && lsOutput.Contains("Permission denied", StringComparison.Ordinal), $"Ada listing Bob's home: {lsOutput}");
    }

    [SkippableFact]
    public async Task Each_students_server_and_kernels_share_one_memory_limit_of_their_own_and_idle_ones_stop()
    {
        hub.Require();
        var run = await hub.ClassRunAsync();
        const long limit = 3L << 30;   // KMSLAB_HUB_MEMORY's default, 3G
        var kernel = ClassHub.Run("pgrep", ["-u", Bob, "-f", "dotnet-interactive"]).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(kernel);
        foreach (var pid in kernel.Append(ClassHub.ServerPid(Bob).ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            var cgroup = ClassHub.MemoryCgroupOf(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
            Assert.EndsWith("/kmslab-" + Bob, cgroup.Path, StringComparison.Ordinal);
            Assert.Equal(limit, cgroup.Limit);
        }
        // Inside it, the .NET kernel's heap is held to three quarters of the limit.
        Assert.Equal(limit * 3 / 4, run.BobsHeapLimit);
        // Idle kernels are culled after 30 minutes, an idle server stops itself after 60 (the defaults).
        var arguments = File.ReadAllText($"/proc/{ClassHub.ServerPid(Bob)}/cmdline").Split('\0');
        Assert.Contains("--MappingKernelManager.cull_idle_timeout=1800", arguments);
        Assert.Contains("--MappingKernelManager.cull_connected=True", arguments);
        Assert.Contains("--NotebookApp.shutdown_no_activity_timeout=3600", arguments);
    }

    [SkippableFact]
    public async Task The_instructor_administers_the_class_and_a_student_does_not()
    {
        hub.Require();
        await hub.ClassRunAsync();
        using var instructor = ClassHub.As(await hub.TokenAsync(ClassHub.Instructor.Name));
        var users = System.Text.Json.Nodes.JsonNode.Parse(await instructor.GetStringAsync(new Uri(hub.Url, "hub/api/users")))!.AsArray();
        Assert.True(users.Single(u => u!["name"]!.GetValue<string>() == ClassHub.Instructor.Name)!["admin"]!.GetValue<bool>());
        foreach (var student in new[] { Ada, Bob })
        {
            var entry = users.Single(u => u!["name"]!.GetValue<string>() == student)!;
            Assert.False(entry["admin"]!.GetValue<bool>());
            Assert.True(entry["servers"]!.AsObject().ContainsKey(""), $"the admin does not see {student}'s server");
        }
        using var ada = ClassHub.As(await hub.TokenAsync(Ada));
        Assert.Equal(HttpStatusCode.Forbidden, (await ada.GetAsync(new Uri(hub.Url, "hub/api/users"))).StatusCode);
    }

    [SkippableFact]
    public async Task The_class_report_shows_what_each_student_did()
    {
        hub.Require();
        await hub.ClassRunAsync();
        var output = RunFolders.Create("class-report");
        var console = new TestConsole().Width(140);
        var error = new StringWriter();
        var command = ClassCommand.Create(() => new ExamEnvironment(console, new StringReader(""), error, TimeProvider.System), () => Repository.Root, Path.Combine(output, "no-bundle"), "/etc");
        var exit = command.Parse(["report", "--student", Ada, "--student", Bob, "--out", output]).Invoke();
        Assert.True(exit == 0, $"exit {exit}: {error}\n{console.Output}");

        var rows = File.ReadAllLines(Path.Combine(output, "class-report.csv"));
        var lessons = Repository.LessonFiles.Count();
        Assert.Equal(1 + 2 * lessons, rows.Length);
        var ada00 = rows.Single(r => r.StartsWith($"{Ada},00,", StringComparison.Ordinal)).Split(',');
        var bob00 = rows.Single(r => r.StartsWith($"{Bob},00,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("passed", ada00[^7]);
        Assert.NotEqual("", ada00[^5]);                 // first passed
        Assert.Equal("1", ada00[^3]);                   // one question right
        Assert.Equal("tried", bob00[^7]);
        Assert.Equal("", bob00[^5]);
        Assert.Equal("0", bob00[^2]);                   // no question answered
        Assert.All(rows.Where(r => !r.Contains(",00,", StringComparison.Ordinal)).Skip(1), r => Assert.Contains(",not started,", r, StringComparison.Ordinal));
        Assert.Contains(Ada, console.Output, StringComparison.Ordinal);

        var html = Path.Combine(output, "class-report.html");
        var page = File.ReadAllText(html);
        Assert.Contains($"<td class=\"name\">{Ada}</td><td class=\"passed\"", page, StringComparison.Ordinal);
        Assert.Contains($"<td class=\"name\">{Bob}</td><td class=\"tried\"", page, StringComparison.Ordinal);
        BrowserTests.RequireChromium();
        await BrowserTests.AssertPageAsync(html, "class-report", expectedCharts: 1);
        await ScreenshotAsync(new Uri(html), Path.Combine(BrowserTests.Screenshots, "class-report.png"), null);
    }

    [SkippableFact]
    public async Task A_student_signs_in_and_sees_their_lesson_run_in_the_browser()
    {
        hub.Require();
        BrowserTests.RequireChromium();
        await hub.ClassRunAsync();
        var (name, password) = ClassHub.Students[1];
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = BrowserTests.Chromium, Args = ["--no-sandbox"], Headless = true });
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 1000 } });
        var page = await context.NewPageAsync();
        // The hub's login form, as a student meets it.
        await page.GotoAsync(new Uri(hub.Url, "hub/login").AbsoluteUri);
        await page.FillAsync("#username_input", name);
        await page.FillAsync("#password_input", password);
        await page.ClickAsync("#login_submit");
        await page.WaitForURLAsync($"**/user/{name}/tree/kmslab-course/notebooks**", new() { Timeout = 120_000 });
        await page.Locator("#notebook_list .item_link").Filter(new() { HasText = ClassRun.Lesson }).WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 60_000 });

        await page.GotoAsync(new Uri(hub.Url, $"user/{name}/notebooks/{ClassRun.LessonPath}").AbsoluteUri);
        await page.WaitForFunctionAsync("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()", null, new() { Timeout = 120_000 });
        // Cell ▸ Run All, from the menu.
        await page.ClickAsync("#celllink");
        await page.ClickAsync("#run_all_cells");
        await page.WaitForFunctionAsync(
            "() => Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').every(c => typeof c.input_prompt_number === 'number')",
            null, new() { Timeout = 240_000, PollingInterval = 500 });
        var codeCells = await page.EvaluateAsync<int>("() => Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').length");
        Assert.Equal(0, await page.Locator(".output_error").CountAsync());
        // What the student sees: the principals table, the error card, the check's verdict — each with a visible box.
        foreach (var text in new[] { "Lab principals", "NotFoundException", "Not yet" })
        {
            var output = page.Locator(".output_area").Filter(new() { HasText = text }).First;
            await output.ScrollIntoViewIfNeededAsync();
            var box = await output.BoundingBoxAsync();
            Assert.True(box is { Width: > 100, Height: > 10 }, $"the output with '{text}' is not visible: {box?.Width}x{box?.Height}");
        }
        Assert.True(codeCells > 10);
        var principals = page.Locator(".output_area").Filter(new() { HasText = "Lab principals" }).First;
        await principals.ScrollIntoViewIfNeededAsync();
        Directory.CreateDirectory(BrowserTests.Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserTests.Screenshots, $"jupyterhub-{name}-lesson00.png") });
        await page.GotoAsync(new Uri(hub.Url, "hub/logout").AbsoluteUri);
    }

    [SkippableFact]
    public async Task Resetting_a_students_copy_keeps_their_work_aside_and_their_next_start_copies_the_course_afresh()
    {
        hub.Require();
        await hub.ClassRunAsync();
        var copy = Path.Combine(ClassHub.Home(Ada), "kmslab-course");
        var lesson = Path.Combine(copy, "notebooks", ClassRun.Lesson);
        await File.AppendAllTextAsync(lesson, " ");      // her work, as the copy has it now
        var work = await File.ReadAllTextAsync(lesson);
        // A server start never overwrites an existing copy.
        await hub.StopServerAsync(Ada);
        await hub.StartServerAsync(Ada);
        Assert.Equal(work, await File.ReadAllTextAsync(lesson));

        await hub.StopServerAsync(Ada);
        var (code, output) = ClassHub.Run(Path.Combine(ClassHub.Kit, "class.sh"), ["reset", Ada]);
        Assert.True(code == 0, output);
        var aside = Assert.Single(Directory.GetDirectories(ClassHub.Home(Ada), "kmslab-course.*"));
        Assert.Equal(work, await File.ReadAllTextAsync(Path.Combine(aside, "notebooks", ClassRun.Lesson)));
        Assert.False(Directory.Exists(copy));
        await hub.StartServerAsync(Ada);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(ClassHub.Prefix, "course", "notebooks", ClassRun.Lesson)), await File.ReadAllTextAsync(lesson));
        Assert.Equal(Ada, ClassHub.Run("stat", ["-c", "%U", lesson]).Output.Trim());
    }

    private static async Task ScreenshotAsync(Uri page, string path, string? scrollTo)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = BrowserTests.Chromium, Args = ["--no-sandbox"], Headless = true });
        var tab = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        await tab.GotoAsync(page.AbsoluteUri);
        await tab.WaitForSelectorAsync(".js-plotly-plot");
        if (scrollTo is not null) await tab.Locator(scrollTo).ScrollIntoViewIfNeededAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await tab.ScreenshotAsync(new() { Path = path, FullPage = true });
    }
}
