using System.Diagnostics;
using System.Globalization;

namespace KmsLab.Tests.Venues;

/// <summary>What a process (and its children) listens on, as <c>ss -lnpH</c> shows it, and whether an address is loopback.</summary>
internal static class Listeners
{
    /// <summary>Every listening socket of <paramref name="pid"/>'s process tree: (protocol, local address).</summary>
    public static IReadOnlyList<(string Protocol, string Local)> Of(int pid)
    {
        var pids = Tree(pid).Select(p => $"pid={p},").ToList();
        var start = new ProcessStartInfo(File.Exists("/usr/bin/ss") ? "/usr/bin/ss" : "/bin/ss", "-lnpH") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var ss = Process.Start(start)!;
        var output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => pids.Any(p => line.Contains(p, StringComparison.Ordinal)))
            .Select(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (f[0], f[4]))];
    }

    /// <summary>True for a TCP or UDP listener (<c>ss</c>'s <c>tcp</c>, <c>udp</c>, <c>tcp6</c>…), not a Unix socket.</summary>
    public static bool IsInternet(string protocol) => protocol.StartsWith("tcp", StringComparison.Ordinal) || protocol.StartsWith("udp", StringComparison.Ordinal);

    /// <summary>Splits <c>ss</c>'s local address (<c>127.0.0.1:5000</c>, <c>[::1]:5000</c>) into address and port.</summary>
    public static (string Address, int Port) Split(string local)
    {
        int colon = local.LastIndexOf(':');
        return (local[..colon], int.Parse(local[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    public static bool IsLoopback(string address) => address is "127.0.0.1" or "[::1]";

    private static IEnumerable<int> Tree(int pid)
    {
        yield return pid;
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks)) yield break;
        foreach (var task in Directory.GetDirectories(tasks))
        {
            string children;
            try { children = File.ReadAllText(Path.Combine(task, "children")); }
            catch (IOException) { continue; }
            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                foreach (var p in Tree(int.Parse(child, CultureInfo.InvariantCulture))) yield return p;
            }
        }
    }
}
