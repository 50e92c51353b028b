using System.Net.Http.Headers;

namespace KmsLab.Protocol;

/// <summary>
/// A request's headers, gathered in one pass. The adapter and the signature check look up a
/// dozen headers per request; each <see cref="HttpHeaders"/> lookup costs about as much as one
/// pass over all of them. Values are turned into strings only when read.
/// </summary>
/// <remarks>
/// Hot-path cache. <b>Keeps:</b> one spare snapshot per thread (<c>t_spare</c>), and per header a
/// fingerprint of its name. <b>Lifetime:</b> a request owns the snapshot from <see cref="Take"/> to
/// <see cref="Release"/>; <see cref="Lookup"/> must not be called after Release (the adapter reads
/// headers only while it handles the request). <b>Invalidation:</b> Take removes the spare from the
/// thread, so a nested request or another thread never shares it; Release forgets every name and value
/// before the thread's next request. Fingerprints need none: they are a function of the name, equal
/// for names equal but for ASCII case, and a match is always confirmed by comparing the whole name
/// (header names are ASCII tokens: <see cref="HttpHeaders"/> refuses others). Tests:
/// <c>HotPathBufferTests</c> (header snapshot, concurrent calls).
/// </remarks>
internal sealed class HeaderSnapshot
{
    [ThreadStatic] private static HeaderSnapshot? t_spare;

    // Each name's fingerprint sits in an array of its own, so that a lookup is one vectorized
    // search of a few ints, and whole names are compared only where a fingerprint matches.
    private int[] _keys = new int[12];
    private string?[] _names = new string?[12];
    private HeaderStringValues[] _values = new HeaderStringValues[12];
    private int _count;

    private HeaderSnapshot() => Lookup = Get;

    /// <summary><see cref="Get"/> as a delegate, made once per snapshot.</summary>
    public Func<string, string?> Lookup { get; }

    /// <summary>The headers of a request, in this thread's spare snapshot if it has one.</summary>
    public static HeaderSnapshot Take(HttpRequestMessage request)
    {
        var snapshot = t_spare ?? new HeaderSnapshot();
        t_spare = null;
        foreach (var header in request.Headers.NonValidated) snapshot.Add(header.Key, header.Value);
        if (request.Content is { } content)
        {
            foreach (var header in content.Headers.NonValidated) snapshot.Add(header.Key, header.Value);
        }
        return snapshot;
    }

    /// <summary>Forgets the request's headers and keeps the snapshot as this thread's spare.</summary>
    public void Release()
    {
        Array.Clear(_names, 0, _count);
        Array.Clear(_values, 0, _count);
        _count = 0;
        t_spare = this;
    }

    /// <summary>The value of a header (several values joined by ", "), or null; names are case-insensitive.</summary>
    public string? Get(string name)
    {
        int key = KeyOf(name);
        var keys = _keys.AsSpan(0, _count);
        int from = 0;
        while (from < keys.Length)
        {
            int at = keys[from..].IndexOf(key);
            if (at < 0) break;
            at += from;
            if (string.Equals(_names[at], name, StringComparison.OrdinalIgnoreCase)) return _values[at].ToString();
            from = at + 1;
        }
        return null;
    }

    private void Add(string name, HeaderStringValues values)
    {
        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, _count * 2);
            Array.Resize(ref _names, _count * 2);
            Array.Resize(ref _values, _count * 2);
        }
        _keys[_count] = KeyOf(name);
        _names[_count] = name;
        _values[_count] = values;
        _count++;
    }

    /// <summary>
    /// A cheap fingerprint that names equal but for case share (length, first and last character
    /// with ASCII case folded away).
    /// </summary>
    private static int KeyOf(string name) => name.Length == 0 ? 0 : name.Length << 16 | Fold(name[0]) << 8 | Fold(name[^1]);

    private static int Fold(char c) => c < 0x80 ? c | 0x20 : 0;
}
