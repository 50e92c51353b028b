using Microsoft.DotNet.Interactive.Formatting;

namespace KmsLab.Cli.Notebooks;

/// <summary>Process-wide settings of the in-process notebook host.</summary>
internal static class NotebookHost
{
    /// <summary>
    /// Every displayed value is formatted as HTML (for notebooks and pages) and as plain text (for
    /// the terminal), and KmsLab's lesson views and charts are registered.
    /// </summary>
    public static void Configure()
    {
        Formatter.SetPreferredMimeTypesFor(typeof(object), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        KmsLab.Lessons.Notebook.Start();
    }
}
