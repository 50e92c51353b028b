using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace KmsLab.Cli.Commands;

/// <summary>
/// What the machine itself can do, measured by <c>kmslab envelope-bench</c> in the same run as
/// the envelope figures: openssl's AES-256-GCM and SHA-384 speed, .NET's SHA-384, a plain file
/// copy, and the process's CPU time and peak memory.
/// </summary>
internal static partial class EnvelopeBenchCeilings
{
    /// <summary>The result of timing one operation: wall-clock throughput and the cores it kept busy.</summary>
    internal readonly record struct Measured(double MBps, double Cores);

    /// <summary>
    /// Times <paramref name="action"/> over <paramref name="bytes"/> bytes. Cores is the process's
    /// CPU time (user and kernel, every thread) divided by the wall-clock time.
    /// </summary>
    /// <remarks>Each timing starts from a collected heap, as benchmark harnesses do, so that it does not pay for the previous one's garbage.</remarks>
    public static async Task<Measured> TimeAsync(long bytes, Func<Task> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await action();
        clock.Stop();
        self.Refresh();
        double seconds = clock.Elapsed.TotalSeconds;
        return new Measured(bytes / 1e6 / seconds, (self.TotalProcessorTime - cpu).TotalSeconds / seconds);
    }

    /// <summary>
    /// The median of <paramref name="runs"/> timed runs. One pass over a large file takes well
    /// under a second, and on a shared machine a single pass can land on a moment when another
    /// tenant or the kernel's writeback holds a core.
    /// </summary>
    public static async Task<Measured> MedianAsync(int runs, long bytes, Func<Task> action)
    {
        var results = new List<Measured>(runs);
        for (int i = 0; i < runs; i++) results.Add(await TimeAsync(bytes, action));
        return results.OrderBy(r => r.MBps).ElementAt(runs / 2);
    }

    /// <summary>
    /// Copies <paramref name="source"/> to a new file, read then write through one buffer of the
    /// envelope client's size, without crypto: what the disk and page cache allow a file-to-file
    /// operation.
    /// </summary>
    public static Task<Measured> CopyAsync(string source, string target, byte[] buffer, CancellationToken ct) =>
        TimeAsync(new FileInfo(source).Length, async () =>
        {
            await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
            await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
            int n;
            while ((n = await input.ReadAsync(buffer, ct)) > 0)
                await output.WriteAsync(buffer.AsMemory(0, n), ct);
        });

    /// <summary>SHA-384 through <see cref="IncrementalHash"/> (as the signed suite uses it), 1 MiB updates, one thread.</summary>
    public static double DotNetSha384MBps(TimeSpan duration)
    {
        var data = new byte[1 << 20];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
        hash.AppendData(data); // first call outside the timing
        long bytes = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            hash.AppendData(data);
            bytes += data.Length;
        }
        return bytes / 1e6 / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Runs <c>openssl speed -evp <paramref name="algorithm"/> -bytes 16384</c> (one process, one
    /// thread) and returns its figure in MB/s; null when openssl cannot be run or says nothing usable.
    /// </summary>
    public static double? OpensslSpeed(string algorithm, int seconds, TextWriter output)
    {
        try
        {
            var psi = new ProcessStartInfo("openssl", ["speed", "-evp", algorithm, "-bytes", "16384", "-seconds", seconds.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            _ = stderr.Result;
            return ParseOpensslSpeed(stdout, algorithm);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output.WriteLine($"openssl could not be run: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// Reads the result row of <c>openssl speed</c> ("AES-256-GCM  1234567.89k", thousands of
    /// bytes per second) for <paramref name="algorithm"/> and returns MB/s.
    /// </summary>
    public static double? ParseOpensslSpeed(string stdout, string algorithm = "aes-256-gcm")
    {
        foreach (var line in stdout.Split('\n').Reverse())
        {
            var m = OpensslRow().Match(line.Trim());
            if (m.Success && m.Groups[1].Value.Equals(algorithm, StringComparison.OrdinalIgnoreCase))
                return double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * 1000 / 1e6;
        }
        return null;
    }

    [GeneratedRegex(@"^([A-Za-z0-9-]+)\s+([0-9.]+)k$")]
    private static partial Regex OpensslRow();

    /// <summary>
    /// Peak resident memory of the whole run and of sections of it: Linux resets VmHWM when
    /// "5" is written to /proc/self/clear_refs, so each section's peak is read after a reset and
    /// the overall peak is the largest seen.
    /// </summary>
    internal sealed class PeakRss
    {
        private long _overall = PeakRssBytes();

        /// <summary>False where VmHWM cannot be reset (not Linux): then only the overall peak is known.</summary>
        public bool Sections { get; private set; } = true;

        public long Overall => Math.Max(_overall, PeakRssBytes());

        /// <summary>The peak since the last <see cref="StartSection"/>, or 0 without sections.</summary>
        public long Section => Sections ? PeakRssBytes() : 0;

        public void StartSection()
        {
            _overall = Overall;
            try
            {
                File.WriteAllText("/proc/self/clear_refs", "5");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Sections = false;
            }
        }
    }

    /// <summary>The process's peak resident set size (VmHWM) so far.</summary>
    public static long PeakRssBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
