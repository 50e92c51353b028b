using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KmsLab.Cli.Terminal;

/// <summary>
/// The progress of encrypting or decrypting a file: on an interactive terminal a live Spectre
/// progress bar with bytes and throughput; elsewhere (a file, a pipe, CI) no animation, only one
/// line once the work is done.
/// </summary>
internal static class FileProgress
{
    /// <summary>Files smaller than this show no progress: they are done before a bar could say anything.</summary>
    public const long MinimumBytes = 16L * 1024 * 1024;

    /// <summary>Runs <paramref name="work"/>, showing its progress (bytes of <paramref name="total"/> done) on <paramref name="console"/>.</summary>
    public static async Task RunAsync(IAnsiConsole console, string verb, long total, Func<IProgress<long>, Task> work)
    {
        var capabilities = console.Profile.Capabilities;
        if (capabilities.Interactive && capabilities.Ansi)
        {
            await LiveAsync(console, verb, total, work);
            return;
        }
        var clock = Stopwatch.StartNew();
        var counter = new Counter();
        await work(counter);
        console.Write(FinalLine(verb, Math.Max(counter.Value, total), clock.Elapsed));
    }

    private static async Task LiveAsync(IAnsiConsole console, string verb, long total, Func<IProgress<long>, Task> work)
    {
        var progress = new Spectre.Console.Progress(console)
        {
            AutoClear = false,
            HideCompleted = false,
            RefreshRate = TimeSpan.FromMilliseconds(100),
        };
        progress.Columns(Columns(console.Profile.Width));
        await progress.StartAsync(async context =>
        {
            var task = context.AddTask(verb, maxValue: Math.Max(1, total));
            var reporter = new TaskReporter(task);
            await work(reporter);
            task.Value = task.MaxValue;
            task.StopTask();
        });
    }

    /// <summary>The columns that fit <paramref name="width"/>: the bar shrinks first, then the speed and byte counts go.</summary>
    internal static ProgressColumn[] Columns(int width)
    {
        const int description = 8, percentage = 5, bytes = 16, speed = 13, gaps = 1;
        var bar = new ProgressBarColumn { CompletedStyle = new Style(Color.Yellow), FinishedStyle = new Style(Color.Green), RemainingStyle = new Style(Color.Grey) };
        var left = new TaskDescriptionColumn { Alignment = Justify.Left };
        int fixedFull = description + percentage + bytes + speed + 4 * gaps;
        if (width - fixedFull >= 10)
        {
            bar.Width = Math.Min(40, width - fixedFull - 1);
            return [left, bar, new PercentageColumn(), new BytesColumn(), new ThroughputColumn()];
        }
        int fixedShort = description + percentage + bytes + 3 * gaps;
        if (width - fixedShort >= 6)
        {
            bar.Width = Math.Min(40, width - fixedShort - 1);
            return [left, bar, new PercentageColumn(), new BytesColumn()];
        }
        bar.Width = Math.Max(4, width - description - percentage - 2 * gaps - 1);
        return [left, bar, new PercentageColumn()];
    }

    /// <summary>The line written when there is no live bar: what was done, how much, how fast.</summary>
    internal static IRenderable FinalLine(string verb, long bytes, TimeSpan elapsed)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        var line = new Paragraph();
        line.Append(verb, new Style(decoration: Decoration.Bold));
        line.Append(string.Create(CultureInfo.InvariantCulture, $" 100% {Size(bytes)} in {elapsed.TotalSeconds:0.0} s ({Size(bytes / seconds)}/s)"));
        line.Append("\n");
        return line;
    }

    /// <summary>Bytes as B, KiB, MiB or GiB with one decimal.</summary>
    internal static string Size(double bytes)
    {
        var (divisor, suffix) = Unit(bytes);
        return string.Create(CultureInfo.InvariantCulture, $"{bytes / divisor:0.0} {suffix}");
    }

    /// <summary>Bytes done of the total in the total's unit, e.g. <c>12.0/40.0 MiB</c>.</summary>
    internal static string SizeOf(double done, double total)
    {
        var (divisor, suffix) = Unit(total);
        return string.Create(CultureInfo.InvariantCulture, $"{done / divisor:0.0}/{total / divisor:0.0} {suffix}");
    }

    private static (double Divisor, string Suffix) Unit(double bytes) => bytes switch
    {
        >= 1L << 30 => (1L << 30, "GiB"),
        >= 1L << 20 => (1L << 20, "MiB"),
        >= 1L << 10 => (1L << 10, "KiB"),
        _ => (1, "B"),
    };

    private sealed class Counter : IProgress<long>
    {
        public long Value;

        public void Report(long value) => Value = Math.Max(Value, value);
    }

    /// <summary>Moves the task at most twenty times a second: the envelope reports every frame.</summary>
    private sealed class TaskReporter(ProgressTask task) : IProgress<long>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _last = -1000;

        public void Report(long value)
        {
            long now = _clock.ElapsedMilliseconds;
            if (now - _last < 50) return;
            _last = now;
            task.Value = Math.Min(value, task.MaxValue);
        }
    }

    /// <summary>Bytes done of the total, e.g. <c>12.0/40.0 MiB</c>; the total once finished.</summary>
    private sealed class BytesColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.IsFinished ? Size(task.MaxValue) : SizeOf(task.Value, task.MaxValue));

        public override int? GetColumnWidth(RenderOptions options) => 16;
    }

    /// <summary>The throughput: the current speed while running, the average once finished.</summary>
    private sealed class ThroughputColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            double? speed = task.IsFinished && task.ElapsedTime is { TotalSeconds: > 0 } elapsed ? task.MaxValue / elapsed.TotalSeconds : task.Speed;
            return new Text(speed is { } s ? $"{Size(s)}/s" : "", new Style(Color.Grey));
        }

        public override int? GetColumnWidth(RenderOptions options) => 13;
    }
}
