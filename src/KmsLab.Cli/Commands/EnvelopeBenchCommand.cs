using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Amazon.KeyManagementService.Model;
using KmsLab.Envelope;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab envelope-bench</c>: envelope encryption and decryption throughput of a large file,
/// beside <c>openssl speed -evp aes-256-gcm</c> on the same machine in the same run, with the
/// process's peak memory.
/// </summary>
internal static partial class EnvelopeBenchCommand
{
    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "File size (e.g. 1G, 256M, 1000000).", DefaultValueFactory = _ => "1G" };
        var frameLength = new Option<int>("--frame-length") { Description = "Frame length.", DefaultValueFactory = _ => 4096 };
        var suites = new Option<string[]>("--suite") { Description = "Suites to measure (repeatable).", DefaultValueFactory = _ => ["0x0478", "0x0578"], Arity = ArgumentArity.OneOrMore };
        var directory = new Option<DirectoryInfo>("--dir") { Description = "Where to put the temporary files (default: the system temp directory)." };
        var opensslSeconds = new Option<int>("--openssl-seconds") { Description = "Seconds for openssl speed.", DefaultValueFactory = _ => 3 };
        var command = new Command("envelope-bench", "Envelope encryption/decryption MB/s of a large file vs openssl speed -evp aes-256-gcm (16 KiB), and peak RSS.")
        {
            size, frameLength, suites, directory, opensslSeconds,
        };
        command.SetAction(async (parse, ct) =>
        {
            long bytes;
            AlgorithmSuite[] chosen;
            try
            {
                bytes = ParseSize(parse.GetValue(size)!);
                chosen = [.. (parse.GetValue(suites) ?? []).Select(EncryptCommand.ParseSuite)];
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"kmslab envelope-bench: {e.Message}");
                return 2;
            }
            var dir = parse.GetValue(directory)?.FullName ?? Path.GetTempPath();
            return await RunAsync(Console.Out, bytes, parse.GetValue(frameLength), chosen, dir, parse.GetValue(opensslSeconds), ct);
        });
        return command;
    }

    internal static long ParseSize(string text)
    {
        var m = SizePattern().Match(text.Trim());
        if (!m.Success) throw new ArgumentException($"--size '{text}' is not a size such as 1G, 256M or 1000000.");
        long n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        long unit = m.Groups[2].Value.ToUpperInvariant() switch { "K" => 1L << 10, "M" => 1L << 20, "G" => 1L << 30, _ => 1 };
        return checked(n * unit);
    }

    [GeneratedRegex(@"^(\d+)\s*([KkMmGg]?)(?:i?[Bb])?$")]
    private static partial Regex SizePattern();

    internal sealed record Figures(AlgorithmSuite Suite, double EncryptMBps, double DecryptMBps, double EncryptToNullMBps, double DecryptToNullMBps);

    public static async Task<int> RunAsync(TextWriter output, long size, int frameLength, IReadOnlyList<AlgorithmSuite> suites, string directory, int opensslSeconds, CancellationToken ct)
    {
        output.WriteLine($"kmslab envelope-bench: {size / 1048576.0:F0} MiB file, frame length {frameLength}, {Environment.ProcessorCount} cores, in '{directory}'");
        string plain = Path.Combine(directory, $"kmslab-bench-{Environment.ProcessId}.plain");
        string cipher = plain + ".encrypted";
        string back = plain + ".decrypted";
        try
        {
            WriteInput(plain, size);
            var lab = Lab.Simulator();
            var kms = lab.CreateKmsClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "envelope-bench" }, ct)).KeyMetadata.Arn;
            var client = new EnvelopeClient(kms);
            var results = new List<Figures>();
            foreach (var suite in suites)
            {
                var options = new EnvelopeEncryptOptions { KeyIds = [key], AlgorithmSuite = suite, FrameLength = frameLength };
                var decryptOptions = EnvelopeDecryptOptions.Strict(key);
                double enc = await TimeAsync(size, () => Run(plain, cipher, (i, o) => client.EncryptAsync(i, o, options, ct)));
                double dec = await TimeAsync(size, () => Run(cipher, back, (i, o) => client.DecryptAsync(i, o, decryptOptions, ct)));
                if (!SameFiles(plain, back)) throw new InvalidOperationException("the decrypted file differs from the input");
                double encNull = await TimeAsync(size, () => Run(plain, null, (i, o) => client.EncryptAsync(i, o, options, ct)));
                double decNull = await TimeAsync(size, () => Run(cipher, null, (i, o) => client.DecryptAsync(i, o, decryptOptions, ct)));
                results.Add(new Figures(suite, enc, dec, encNull, decNull));
            }
            double? openssl = OpensslSpeed(opensslSeconds, output);

            output.WriteLine();
            output.WriteLine($"{"suite",-8} {"encrypt MB/s",13} {"decrypt MB/s",13} {"enc->null",10} {"dec->null",10}   ratio to openssl (enc / dec, file to file)");
            foreach (var r in results)
            {
                string ratio = openssl is double o ? $"{r.EncryptMBps / o * 100,5:F0}% / {r.DecryptMBps / o * 100,3:F0}%" : "n/a";
                output.WriteLine($"0x{(ushort)r.Suite:X4}   {r.EncryptMBps,13:F0} {r.DecryptMBps,13:F0} {r.EncryptToNullMBps,10:F0} {r.DecryptToNullMBps,10:F0}   {ratio}");
            }
            output.WriteLine(openssl is double os
                ? $"openssl speed -evp aes-256-gcm -bytes 16384: {os:F0} MB/s (one core)"
                : "openssl speed: not available");
            output.WriteLine($"peak RSS (VmHWM): {PeakRssBytes() / 1048576.0:F1} MiB; managed heap now {GC.GetTotalMemory(false) / 1048576.0:F1} MiB");
            output.WriteLine("MB = 10^6 bytes of plaintext per second, file to file through the page cache; enc->null / dec->null discard the output.");
            return 0;
        }
        finally
        {
            foreach (var f in new[] { plain, cipher, back }) File.Delete(f);
        }
    }

    private static void WriteInput(string path, long size)
    {
        var block = RandomNumberGenerator.GetBytes(1 << 20);
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        for (long left = size; left > 0; left -= block.Length)
        {
            f.Write(block, 0, (int)Math.Min(block.Length, left));
        }
    }

    private static async Task Run(string input, string? output, Func<Stream, Stream, Task> work)
    {
        await using var i = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        await using Stream o = output is null ? Stream.Null : new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        await work(i, o);
    }

    private static async Task<double> TimeAsync(long bytes, Func<Task> action)
    {
        var sw = Stopwatch.StartNew();
        await action();
        return bytes / 1e6 / sw.Elapsed.TotalSeconds;
    }

    private static bool SameFiles(string a, string b)
    {
        using var fa = File.OpenRead(a);
        using var fb = File.OpenRead(b);
        if (fa.Length != fb.Length) return false;
        var ba = new byte[1 << 20];
        var bb = new byte[1 << 20];
        while (true)
        {
            int na = fa.ReadAtLeast(ba, ba.Length, throwOnEndOfStream: false);
            int nb = fb.ReadAtLeast(bb, bb.Length, throwOnEndOfStream: false);
            if (na != nb || !ba.AsSpan(0, na).SequenceEqual(bb.AsSpan(0, nb))) return false;
            if (na == 0) return true;
        }
    }

    /// <summary>Runs openssl speed and returns its 16 KiB AES-256-GCM figure in MB/s (10^6 bytes).</summary>
    internal static double? OpensslSpeed(int seconds, TextWriter output)
    {
        try
        {
            var psi = new ProcessStartInfo("openssl", ["speed", "-evp", "aes-256-gcm", "-bytes", "16384", "-seconds", seconds.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            _ = stderr.Result;
            return ParseOpensslSpeed(stdout);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output.WriteLine($"openssl could not be run: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// Reads the result row of <c>openssl speed</c> ("AES-256-GCM  1234567.89k", thousands of
    /// bytes per second) and returns MB/s.
    /// </summary>
    internal static double? ParseOpensslSpeed(string stdout)
    {
        foreach (var line in stdout.Split('\n').Reverse())
        {
            var m = OpensslRow().Match(line.Trim());
            if (m.Success) return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1000 / 1e6;
        }
        return null;
    }

    [GeneratedRegex(@"^aes-256-gcm\s+([0-9.]+)k$", RegexOptions.IgnoreCase)]
    private static partial Regex OpensslRow();

    internal static long PeakRssBytes()
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
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
