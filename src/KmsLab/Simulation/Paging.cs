namespace KmsLab.Simulation;

/// <summary>
/// KMS's Limit/Marker paging. The marker is opaque to callers; here it names the first item of
/// the next page, so pages stay correct when items are added between calls.
/// </summary>
internal static class Paging
{
    public static (IReadOnlyList<T> Items, string? NextMarker) Page<T>(IReadOnlyList<T> all, Func<T, string> id, int limit, string? marker)
    {
        int start = 0;
        if (marker is not null)
        {
            start = IndexOf(all, id, marker);
            if (start < 0) throw new KmsException(KmsErrorCodes.InvalidMarker, "The request was rejected because the marker that specifies where pagination should next begin is not valid.");
        }
        int end = Math.Min(all.Count, start + limit);
        var items = new List<T>(end - start);
        for (int i = start; i < end; i++) items.Add(all[i]);
        return (items, end < all.Count ? id(all[end]) : null);
    }

    private static int IndexOf<T>(IReadOnlyList<T> all, Func<T, string> id, string marker)
    {
        for (int i = 0; i < all.Count; i++)
        {
            if (id(all[i]) == marker) return i;
        }
        return -1;
    }
}
