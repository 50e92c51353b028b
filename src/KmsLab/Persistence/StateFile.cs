using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KmsLab.Persistence;

/// <summary>
/// Reads and writes a world snapshot on disk. Writes are atomic: the snapshot goes to a temporary
/// file in the same folder (created readable and writable by its owner only), is flushed to the
/// disk, renamed over the old file, and the folder is flushed too; a crash or a kill at any moment leaves either the
/// old state or the new one, whole.
/// </summary>
internal static class StateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The prefix of temporary files next to <paramref name="path"/> (hidden, so a folder listing stays tidy).</summary>
    public static string TempPrefix(string path) => "." + Path.GetFileName(path) + ".tmp-";

    // Policies are JSON inside JSON: keep their quotes readable ("...") rather than \u0022. The file is never put in HTML.
    private static readonly JsonSerializerOptions WriteOptions = new(SnapshotJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonTypeInfo<WorldSnapshot> WriteInfo = (JsonTypeInfo<WorldSnapshot>)WriteOptions.GetTypeInfo(typeof(WorldSnapshot));

    public static byte[] Serialize(WorldSnapshot snapshot) => JsonSerializer.SerializeToUtf8Bytes(snapshot, WriteInfo);

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="contents"/>, atomically.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> contents)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(folder, TempPrefix(full) + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
            using (var stream = new FileStream(temp, options))
            {
                // FileMode.Create keeps the mode of a leftover file: make sure it is the owner's only.
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, OwnerOnly);
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            // The rename itself must reach the disk too, or a power cut could bring back the old file.
            FlushFolder(folder);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Flushes a folder's entries (a rename in it) to the disk; best effort.</summary>
    internal static void FlushFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return; // NTFS journals the rename; there is no folder handle to flush
        int fd = Native.open(folder, Native.O_RDONLY);
        if (fd < 0) return; // best effort: the file itself is already on disk
        try
        {
            Native.fsync(fd);
        }
        finally
        {
            Native.close(fd);
        }
    }

    private static class Native
    {
        public const int O_RDONLY = 0;

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }

    /// <summary>
    /// Reads a state file. Throws <see cref="InvalidDataException"/> with a message that names the
    /// file and the problem if it is not a readable KmsLab state file.
    /// </summary>
    public static WorldSnapshot Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw new InvalidDataException($"The state file '{path}' is empty: it is not a KmsLab state file.");
        try
        {
            return JsonSerializer.Deserialize(bytes, SnapshotJsonContext.Default.WorldSnapshot)
                ?? throw new InvalidDataException($"The state file '{path}' holds JSON null, not a KmsLab state.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The state file '{path}' is not valid KmsLab state JSON: {e.Message}", e);
        }
    }

    /// <summary>Removes temporary files that a killed writer left next to <paramref name="path"/>.</summary>
    public static void RemoveLeftovers(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        foreach (var leftover in Directory.EnumerateFiles(folder, TempPrefix(full) + "*")) TryDelete(leftover);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
