using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using KmsLab.Tests.Lessons;
using KmsLab.Tests.Serve;
using Microsoft.Playwright;

namespace KmsLab.Tests.Venues;

/// <summary>
/// Every exported lesson page — <c>kmslab run --out</c>'s HTML and nbconvert's HTML of the
/// kernel-executed notebooks — opened in headless Chromium (Debian's <c>chromium</c>, driven by
/// Playwright) with the network off: every chart must have drawn marks of non-zero size inside its
/// plot area for each trace, a title and labelled axes, and the page must attempt no request
/// beyond its own file. A screenshot of every chart goes to <c>artifacts/screenshots/</c>.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed partial class BrowserTests
{
    internal const string Chromium = "/usr/bin/chromium";

    public static string Screenshots { get; } = Path.Combine(Repository.Root, "artifacts", "screenshots");

    public static TheoryData<string> Lessons()
    {
        var data = new TheoryData<string>();
        foreach (var file in Repository.LessonFiles) data.Add(Path.GetFileName(file));
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Lessons))]
    public async Task TheRunnersPageDrawsEveryChartOffline(string lesson)
    {
        RequireChromium();
        var run = (await RunnerPages.AllLessonsAsync())[lesson];
        Assert.True(run.Passed, $"{lesson} failed in the runner: {run.Failure?.Error}");
        await AssertPageAsync(run.HtmlPath!, "runner-" + Path.GetFileNameWithoutExtension(lesson), ChartsIn(lesson));
    }

    [SkippableTheory]
    [MemberData(nameof(Lessons))]
    public async Task TheKernelsNbconvertPageDrawsEveryChartOffline(string lesson)
    {
        RequireChromium();
        Kernel.Require();
        var page = (await Kernel.AllLessonsAsync()).HtmlPage(lesson);
        await AssertPageAsync(page, "kernel-" + Path.GetFileNameWithoutExtension(lesson), ChartsIn(lesson));
    }

    /// <summary>How many charts a lesson draws: its code cells that end in a <c>Charts.</c> call.</summary>
    internal static int ChartsIn(string lesson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Notebooks, lesson)));
        return doc.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Count(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(s => s.GetString())).Contains("Charts.", StringComparison.Ordinal));
    }

    internal static void RequireChromium() =>
        ExternalClients.Require(File.Exists(Chromium), "Debian's chromium (/usr/bin/chromium) is not installed");

    [SkippableFact]
    public async Task TheCheckSeesAnEmptyChartAndANetworkRequest()
    {
        // The old failure: category columns on a linear x-axis draw 'M0,0Z' bars outside the plot.
        RequireChromium();
        var dir = Path.Combine(Path.GetTempPath(), "kmslab-browser-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var page = Path.Combine(dir, "empty.html");
        const string figure = """{"data":[{"type":"bar","name":"calls","x":["alice","bob"],"y":[3,5]}],"layout":{"title":{"text":"Empty"},"xaxis":{"type":"linear","title":{"text":"who"}},"yaxis":{"title":{"text":"calls"}}}}""";
        await File.WriteAllTextAsync(page, "<!DOCTYPE html><html><head>" + KmsLab.Lessons.ChartHtml.PlotlyJsScript() + "</head><body>"
            + KmsLab.Lessons.ChartHtml.RenderFigure(figure) + "<img src=\"http://192.0.2.1/tracker.png\"></body></html>");
        var (reports, attempted, _) = await MeasurePageAsync(page, "check-empty");
        var report = Assert.Single(reports);
        Assert.True(report.Drawn);
        Assert.Equal(1, report.Traces);
        Assert.Equal([0], report.DrawnTraces);
        Assert.Contains(attempted, r => r.Contains("192.0.2.1/tracker.png", StringComparison.Ordinal));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void OnlyAProbeOfALoopbackAddressThePageListsIsExempt()
    {
        using var dir = new TempDir();
        var page = Path.Combine(dir.Path, "bootstrap.html");
        File.WriteAllText(page, "<script>async function probeAddresses(probingAddresses) { }\nprobeAddresses([\"http://127.0.0.1:2048/\"])\n.then(root => {});</script>");
        Assert.Equal(["http://127.0.0.1:2048/"], BootstrapProbeAddresses(File.ReadAllText(page)));
        Assert.True(IsKernelBootstrapProbe("POST http://127.0.0.1:2048/discovery", page));
        Assert.False(IsKernelBootstrapProbe("GET http://127.0.0.1:2048/discovery", page));
        Assert.False(IsKernelBootstrapProbe("POST http://127.0.0.1:2049/discovery", page));
        Assert.False(IsKernelBootstrapProbe("POST http://192.0.2.2:2048/discovery", page));
        Assert.False(IsKernelBootstrapProbe("GET http://127.0.0.1:2048/resources/dotnet-interactive.js", page));
        // The registration `dotnet interactive jupyter install` makes probes the machine's network addresses: not exempt.
        File.WriteAllText(page, "<script>probeAddresses([\"http://192.0.2.2:2048/\", \"http://[fd00::2]:2048/\"])</script>");
        Assert.All(BootstrapProbeAddresses(File.ReadAllText(page)), root => Assert.False(IsLoopback(root)));
        Assert.False(IsKernelBootstrapProbe("POST http://192.0.2.2:2048/discovery", page));
        Assert.False(IsKernelBootstrapProbe("POST http://127.0.0.1:2048/discovery", page));
    }

    internal static async Task AssertPageAsync(string path, string name, int expectedCharts)
    {
        Assert.True(File.Exists(path), $"no page at {path}");
        var (reports, attempted, errors) = await MeasurePageAsync(path, name);
        Assert.Equal(expectedCharts, reports.Count);
        for (int i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            var where = $"{name}, chart {i + 1} ({report.Title})";
            Assert.True(report.Drawn, $"{where}: plotly.js did not draw it: {report.Message}");
            Assert.False(string.IsNullOrWhiteSpace(report.Title), $"{where}: no title");
            Assert.False(string.IsNullOrWhiteSpace(report.XTitle), $"{where}: no x-axis title");
            Assert.False(string.IsNullOrWhiteSpace(report.YTitle), $"{where}: no y-axis title");
            Assert.True(report.Traces > 0, $"{where}: no traces");
            Assert.True(report.Traces == report.DrawnTraces.Length, $"{where}: {report.Traces} traces in the figure, {report.DrawnTraces.Length} drawn");
            for (int t = 0; t < report.DrawnTraces.Length; t++)
            {
                Assert.True(report.DrawnTraces[t] > 0, $"{where}: trace {t + 1} has no visible mark inside the plot area");
            }
        }
        Assert.Empty(errors);
        foreach (var root in BootstrapProbeAddresses(File.ReadAllText(path))) Assert.True(IsLoopback(root), $"{name}: the kernel's bootstrap script probes {root}, beyond loopback");
        var unexpected = attempted.Where(r => !IsKernelBootstrapProbe(r, path)).ToList();
        Assert.True(unexpected.Count == 0, $"{name} tried the network: {string.Join(", ", unexpected)}");
    }

    /// <summary>Opens a page with every non-file request aborted; measures and photographs each chart.</summary>
    internal static async Task<(List<ChartReport> Reports, List<string> Attempted, List<string> Errors)> MeasurePageAsync(string path, string name)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Args = ["--no-sandbox"], Headless = true });
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 900 } });
        var attempted = new ConcurrentQueue<string>();
        await context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file:", StringComparison.Ordinal))
            {
                await route.ContinueAsync();
                return;
            }
            attempted.Enqueue($"{route.Request.Method} {route.Request.Url}");
            await route.AbortAsync();
        });
        var page = await context.NewPageAsync();
        var errors = new ConcurrentQueue<string>();
        page.PageError += (_, e) => errors.Enqueue(e);
        await page.GotoAsync(new Uri(path).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load, Timeout = 120_000 });
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('[data-kmslab-chart]')].every(d => d.classList.contains('js-plotly-plot') || d.textContent.length > 0)",
            null, new() { Timeout = 60_000 });
        await page.WaitForTimeoutAsync(500); // let plotly finish its transitions before measuring

        var charts = await page.QuerySelectorAllAsync("[data-kmslab-chart]");
        var reports = new List<ChartReport>();
        Directory.CreateDirectory(Screenshots);
        for (int i = 0; i < charts.Count; i++)
        {
            var chart = charts[i];
            await chart.ScrollIntoViewIfNeededAsync();
            await chart.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}-chart{i + 1}.png") });
            reports.Add(JsonSerializer.Deserialize<ChartReport>(await chart.EvaluateAsync<string>(MeasureChart), JsonSerializerOptions.Web)!);
        }
        return (reports, [.. attempted], [.. errors]);
    }

    /// <summary>
    /// The Jupyter kernel's first output in every lesson is the .NET Interactive tool's HTTP API
    /// bootstrap: a script that probes <c>POST {address}discovery</c> at the addresses written into it
    /// (<c>probeAddresses(["http://127.0.0.1:2048/"])</c>) and, if one answered, would load the tool's
    /// JavaScript helpers from there. The tool writes it whenever its HTTP API runs, which in Jupyter
    /// mode it always does (<c>kmslab kernel install</c> only moves the API to a Unix socket, so nothing
    /// answers), and nbconvert keeps it in the exported page as Jupyter's own export would. No chart
    /// depends on it. Exempt is only a probe of an address the page itself lists, and every listed
    /// address must be loopback (<c>--http-local-only</c>): a probe of this machine's network
    /// addresses, or any other request, fails.
    /// </summary>
    internal static bool IsKernelBootstrapProbe(string request, string page)
    {
        var probed = BootstrapProbeAddresses(File.ReadAllText(page));
        return probed.Any(root => IsLoopback(root) && request == $"POST {root.TrimEnd('/')}/discovery");
    }

    internal static bool IsLoopback(string root) =>
        Uri.TryCreate(root, UriKind.Absolute, out var uri) && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);

    /// <summary>The addresses a page's kernel bootstrap script probes (none if it has no such script).</summary>
    internal static IReadOnlyList<string> BootstrapProbeAddresses(string html) =>
        [.. ProbeCall().Matches(html).SelectMany(m => JsonSerializer.Deserialize<string[]>(m.Groups[1].Value) ?? [])];

    [GeneratedRegex(@"probeAddresses\((\[[^\]]*\])\)")]
    private static partial Regex ProbeCall();

    internal sealed record ChartReport(bool Drawn, string Message, string Title, string XTitle, string YTitle, int Traces, int[] DrawnTraces);

    // Per trace, the marks (bars, markers, line paths) whose box has a non-zero size and lies
    // inside the plot area: a bar path "M0,0Z" or a trace pushed off its axes counts for nothing.
    private const string MeasureChart = """
        div => {
          const text = sel => (div.querySelector(sel)?.textContent ?? '').trim();
          if (!div.classList.contains('js-plotly-plot')) return JSON.stringify({ drawn: false, message: div.textContent, title: '', xTitle: '', yTitle: '', traces: 0, drawnTraces: [] });
          const bg = div.querySelector('.cartesianlayer .subplot .bglayer .bg') || div.querySelector('.nsewdrag');
          const area = bg.getBoundingClientRect();
          const inside = r => r.width > 0 && r.height > 0 && r.right > area.left - 1 && r.left < area.right + 1 && r.bottom > area.top - 1 && r.top < area.bottom + 1;
          const traces = [...div.querySelectorAll('.cartesianlayer .plot .trace')];
          const drawnTraces = traces.map(t => [...t.querySelectorAll('path')].filter(p => inside(p.getBoundingClientRect())).length);
          return JSON.stringify({ drawn: true, message: '', title: text('.gtitle'), xTitle: text('.xtitle'), yTitle: text('.ytitle'), traces: (div.data || []).length, drawnTraces });
        }
        """;
}
