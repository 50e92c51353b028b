using System.Net.Http.Headers;

namespace KmsLab.Protocol;

/// <summary>
/// A request's headers, gathered in one pass. The adapter and the signature check look up a
/// dozen headers per request; each <see cref="HttpHeaders"/> lookup costs about as much as one
/// pass over all of them. Values are turned into strings only when read.
/// </summary>
internal sealed class HeaderSnapshot
{
    private (string Name, HeaderStringValues Values)[] _headers = new (string, HeaderStringValues)[12];
    private int _count;

    public static HeaderSnapshot Of(HttpRequestMessage request)
    {
        var snapshot = new HeaderSnapshot();
        foreach (var header in request.Headers.NonValidated) snapshot.Add(header.Key, header.Value);
        if (request.Content is { } content)
        {
            foreach (var header in content.Headers.NonValidated) snapshot.Add(header.Key, header.Value);
        }
        return snapshot;
    }

    /// <summary>The value of a header (several values joined by ", "), or null; names are case-insensitive.</summary>
    public string? Get(string name)
    {
        foreach (var (n, v) in _headers.AsSpan(0, _count))
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) return v.ToString();
        }
        return null;
    }

    private void Add(string name, HeaderStringValues values)
    {
        if (_count == _headers.Length) Array.Resize(ref _headers, _count * 2);
        _headers[_count++] = (name, values);
    }
}
