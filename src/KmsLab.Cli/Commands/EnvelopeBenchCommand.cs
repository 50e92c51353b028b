using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Amazon.KeyManagementService.Model;
using KmsLab.Envelope;
using static KmsLab.Cli.Commands.EnvelopeBenchCeilings;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab envelope-bench</c>: envelope encryption and decryption throughput of a large file,
/// file to file and file to nothing, beside what the machine allows in the same run (openssl
/// speed for AES-256-GCM and SHA-384, a plain copy of the same file on the same disk), with the
/// cores each figure kept busy and the process's peak memory.
/// </summary>
internal static partial class EnvelopeBenchCommand
{
    /// <summary>What to measure.</summary>
    internal sealed record Settings(long Size, IReadOnlyList<int> FrameLengths, IReadOnlyList<AlgorithmSuite> Suites,
        IReadOnlyList<int> Parallelism, string Directory, int OpensslSeconds);

    /// <summary>One line of the table: one operation of one suite, frame length and parallelism.</summary>
    internal sealed record Row(AlgorithmSuite Suite, int FrameLength, int Parallelism, string Operation,
        Measured FileToFile, Measured Copy, Measured ToNull, long PeakRss);

    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "File size (e.g. 1G, 256M, 1000000).", DefaultValueFactory = _ => "1G" };
        var frameLengths = new Option<int[]>("--frame-length")
        {
            Description = "Frame lengths to measure (repeatable). Default 4096 (the SDKs' default) and 65536.",
            DefaultValueFactory = _ => [4096, 65536],
            Arity = ArgumentArity.OneOrMore,
        };
        var suites = new Option<string[]>("--suite") { Description = "Suites to measure (repeatable).", DefaultValueFactory = _ => ["0x0478", "0x0578"], Arity = ArgumentArity.OneOrMore };
        var parallelism = new Option<int[]>("--parallelism")
        {
            Description = "EnvelopeClientOptions.MaxDegreeOfParallelism values to measure (repeatable): threads sealing or opening frames. Default 1.",
            DefaultValueFactory = _ => [1],
            Arity = ArgumentArity.OneOrMore,
        };
        var directory = new Option<DirectoryInfo>("--dir") { Description = "Where to put the temporary files (default: the system temp directory)." };
        var opensslSeconds = new Option<int>("--openssl-seconds") { Description = "Seconds for each openssl speed run (0: skip openssl).", DefaultValueFactory = _ => 3 };
        var command = new Command("envelope-bench", "Envelope encryption/decryption MB/s of a large file, file to file and to nothing, beside openssl speed (AES-256-GCM, SHA-384, 16 KiB) and a plain copy of the same file; cores used and peak RSS.")
        {
            size, frameLengths, suites, parallelism, directory, opensslSeconds,
        };
        command.SetAction(async (parse, ct) =>
        {
            Settings settings;
            try
            {
                var frames = parse.GetValue(frameLengths) ?? [];
                if (frames.Any(f => f is < 1 or > 16 * 1024 * 1024)) throw new ArgumentException("--frame-length must be between 1 and 16 MiB.");
                var threads = parse.GetValue(parallelism) ?? [];
                if (threads.Any(t => t is < 1 or > 64)) throw new ArgumentException("--parallelism must be between 1 and 64.");
                settings = new Settings(ParseSize(parse.GetValue(size)!), [.. frames.Distinct()],
                    [.. (parse.GetValue(suites) ?? []).Select(EncryptCommand.ParseSuite).Distinct()], [.. threads.Distinct()],
                    parse.GetValue(directory)?.FullName ?? Path.GetTempPath(), Math.Max(0, parse.GetValue(opensslSeconds)));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"kmslab envelope-bench: {e.Message}");
                return ExitCodes.Usage;
            }
            return await RunAsync(Console.Out, settings, ct);
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

    /// <summary>Timed runs per operation to nothing, whose median is shown.</summary>
    private const int NullRuns = 3;

    public static async Task<int> RunAsync(TextWriter output, Settings s, CancellationToken ct)
    {
        int bufferSize = new EnvelopeClientOptions().BufferSize;
        output.WriteLine($"kmslab envelope-bench: {s.Size / 1048576.0:F0} MiB file in '{s.Directory}', {Environment.ProcessorCount} cores, I/O buffer {bufferSize / 1024} KiB");
        string plain = Path.Combine(s.Directory, $"kmslab-bench-{Environment.ProcessId}.plain");
        string cipher = plain + ".encrypted";
        string back = plain + ".decrypted";
        string scratch = plain + ".copy";
        // Allocated once: the bench's own buffers should not weigh on the peak memory it reports.
        byte[] io = new byte[bufferSize];
        byte[] io2 = new byte[bufferSize];
        try
        {
            WriteInput(plain, s.Size, io);
            // A first large write on a VM can be slow while the host backs guest pages for the
            // first time. It is shown; then two copies (as many new files as are ever alive at
            // once below) are deleted, so that every timed write reuses pages freed before it.
            var warmUp = await CopyAsync(plain, scratch, io, ct);
            await CopyAsync(plain, back, io, ct);
            File.Delete(scratch);
            File.Delete(back);

            bool signed = s.Suites.Contains(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384);
            double? opensslAes = s.OpensslSeconds > 0 ? OpensslSpeed("aes-256-gcm", s.OpensslSeconds, output) : null;
            double? opensslSha = signed && s.OpensslSeconds > 0 ? OpensslSpeed("sha384", s.OpensslSeconds, output) : null;
            double? dotnetSha = signed ? DotNetSha384MBps(TimeSpan.FromSeconds(1)) : null;

            var lab = Lab.Simulator();
            var kms = lab.CreateKmsClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "envelope-bench" }, ct)).KeyMetadata.Arn;
            long rssBefore = PeakRssBytes();
            var peak = new PeakRss();

            var rows = new List<Row>();
            foreach (var suite in s.Suites)
            foreach (int frameLength in s.FrameLengths)
            foreach (int parallelism in s.Parallelism)
            {
                var client = new EnvelopeClient(kms, new EnvelopeClientOptions { MaxDegreeOfParallelism = parallelism });
                var encrypt = new EnvelopeEncryptOptions { KeyIds = [key], AlgorithmSuite = suite, FrameLength = frameLength };
                var decrypt = EnvelopeDecryptOptions.Strict(key);
                Func<Stream, Stream, Task> enc = (i, o) => client.EncryptAsync(i, o, encrypt, ct);
                Func<Stream, Stream, Task> dec = (i, o) => client.DecryptAsync(i, o, decrypt, ct);

                // The copy is timed just before and just after the operation, and averaged: the
                // disk and page cache drift (writeback, other tenants) more than the crypto does.
                peak.StartSection();
                var before = await CopyAsync(plain, scratch, io, ct);
                File.Delete(scratch);
                var toFile = await TimeAsync(s.Size, () => Run(plain, cipher, enc));
                Sync(cipher);
                var after = await CopyAsync(plain, scratch, io, ct);
                File.Delete(scratch);
                var toNull = await MedianAsync(NullRuns, s.Size, () => Run(plain, null, enc));
                rows.Add(new Row(suite, frameLength, parallelism, "encrypt", toFile, Mean(before, after), toNull, peak.Section));

                peak.StartSection();

                before = await CopyAsync(cipher, scratch, io, ct);
                File.Delete(scratch);
                toFile = await TimeAsync(s.Size, () => Run(cipher, back, dec));
                if (!SameFiles(plain, back, io, io2)) throw new InvalidOperationException("the decrypted file differs from the input");
                File.Delete(back);
                after = await CopyAsync(cipher, scratch, io, ct);
                File.Delete(scratch);
                toNull = await MedianAsync(NullRuns, s.Size, () => Run(cipher, null, dec));
                rows.Add(new Row(suite, frameLength, parallelism, "decrypt", toFile, Mean(before, after), toNull, peak.Section));
                File.Delete(cipher);
            }

            output.WriteLine();
            Print(output, rows, opensslAes, opensslSha, dotnetSha, warmUp);
            output.WriteLine();
            output.WriteLine($"peak RSS (VmHWM), whole run: {peak.Overall / 1048576.0:F1} MiB; before the first message: {rssBefore / 1048576.0:F1} MiB (runtime, AWS SDK, simulator);");
            output.WriteLine(peak.Sections
                ? $"  per row (the peak while that file was copied twice and encrypted or decrypted twice): {rows.Max(r => r.PeakRss) / 1048576.0:F1} MiB at most."
                : "  per row: not available (no /proc/self/clear_refs).");
            return ExitCodes.Success;
        }
        finally
        {
            foreach (var f in new[] { plain, cipher, back, scratch }) File.Delete(f);
        }
    }

    internal static void Print(TextWriter output, IReadOnlyList<Row> rows, double? opensslAes, double? opensslSha, double? dotnetSha, Measured warmUp)
    {
        output.WriteLine("Ceilings, same machine, same run:");
        output.WriteLine(opensslAes is double aes
            ? $"  openssl speed -evp aes-256-gcm -bytes 16384   {aes,6:F0} MB/s  1 core   (70% of it: {aes * 0.7:F0} MB/s)"
            : "  openssl speed -evp aes-256-gcm: not measured");
        if (opensslSha is double sha) output.WriteLine($"  openssl speed -evp sha384 -bytes 16384        {sha,6:F0} MB/s  1 core   (0x0578: one SHA-384 over the whole message)");
        if (dotnetSha is double net) output.WriteLine($"  .NET IncrementalHash SHA-384, 1 MiB updates   {net,6:F0} MB/s  1 core");
        output.WriteLine($"  first copy of the file (untimed warm-up)      {warmUp.MBps,6:F0} MB/s           (fresh pages; the timed runs reuse freed ones)");
        output.WriteLine();
        output.WriteLine("suite   frame   par op       file->file cores   copy  f->f/copy  ->null cores   f->f/openssl ->null/openssl  RSS MiB");
        foreach (var r in rows)
        {
            string vsOpenssl = opensslAes is double o
                ? $"{r.FileToFile.MBps / o * 100,11:F0}% {r.ToNull.MBps / o * 100,13:F0}%"
                : $"{"n/a",12} {"n/a",14}";
            string rss = r.PeakRss > 0 ? $"{r.PeakRss / 1048576.0,8:F1}" : $"{"n/a",8}";
            output.WriteLine($"0x{(ushort)r.Suite:X4} {r.FrameLength,6} {r.Parallelism,5} {r.Operation,-8} {r.FileToFile.MBps,9:F0} {r.FileToFile.Cores,5:F1} {r.Copy.MBps,6:F0} {r.FileToFile.MBps / r.Copy.MBps * 100,9:F0}% {r.ToNull.MBps,7:F0} {r.ToNull.Cores,5:F1} {vsOpenssl} {rss}");
        }
        output.WriteLine();
        output.WriteLine("MB/s: 10^6 bytes of plaintext per second (copy: of the file copied).");
        output.WriteLine("file->file: the file into a new file on the same disk, through the page cache (not fsynced while timed;");
        output.WriteLine("      the encrypted file is then synced, untimed, so that its writeback does not overlap later runs).");
        output.WriteLine("copy: the same file read then written with one buffer of the same size, no crypto, into a new file;");
        output.WriteLine("      timed just before and just after the file->file run, averaged.");
        output.WriteLine("->null: the same operation writing to Stream.Null: reading, crypto and the pipeline, no output file;");
        output.WriteLine($"      the median of {NullRuns} runs.");
        output.WriteLine("par: MaxDegreeOfParallelism, threads sealing/opening frames. Besides them one thread reads ahead and");
        output.WriteLine("     one writes behind (and, for 0x0578 encryption, computes the SHA-384). cores: process CPU time / wall time,");
        output.WriteLine("     including the kernel's copying; openssl speed uses one core.");
        output.WriteLine("RSS: peak resident memory (VmHWM, reset before each row) while that row ran.");
    }

    /// <summary>The mean of two throughputs of the same amount of work (harmonic: the mean of their times).</summary>
    private static Measured Mean(Measured a, Measured b) =>
        new(2 / (1 / a.MBps + 1 / b.MBps), (a.Cores + b.Cores) / 2);

    private static void WriteInput(string path, long size, byte[] block)
    {
        RandomNumberGenerator.Fill(block);
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        for (long left = size; left > 0; left -= block.Length)
        {
            f.Write(block, 0, (int)Math.Min(block.Length, left));
        }
        f.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Writes a file's dirty pages to disk, untimed. A file kept for later runs is otherwise
    /// written back by the kernel while they are timed, on the same cores.
    /// </summary>
    private static void Sync(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 0);
        f.Flush(flushToDisk: true);
    }

    private static async Task Run(string input, string? output, Func<Stream, Stream, Task> work)
    {
        await using var i = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        await using Stream o = output is null ? Stream.Null : new FileStream(output, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        await work(i, o);
    }

    private static bool SameFiles(string a, string b, byte[] ba, byte[] bb)
    {
        using var fa = File.OpenRead(a);
        using var fb = File.OpenRead(b);
        if (fa.Length != fb.Length) return false;
        while (true)
        {
            int na = fa.ReadAtLeast(ba, ba.Length, throwOnEndOfStream: false);
            int nb = fb.ReadAtLeast(bb, bb.Length, throwOnEndOfStream: false);
            if (na != nb || !ba.AsSpan(0, na).SequenceEqual(bb.AsSpan(0, nb))) return false;
            if (na == 0) return true;
        }
    }
}
