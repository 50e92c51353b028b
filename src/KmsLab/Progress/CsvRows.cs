namespace KmsLab.Progress;

/// <summary>CSV rows as RFC 4180 has them (CRLF ends, a cell with a comma, quote or line break quoted), for the exports instructors open in a spreadsheet.</summary>
public static class CsvRows
{
    /// <summary>Writes one row of <paramref name="cells"/>.</summary>
    public static void Write(TextWriter writer, IEnumerable<string> cells) =>
        writer.Write(string.Join(',', cells.Select(Quote)) + "\r\n");

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
