using KmsLab.Lessons;

namespace KmsLab.Tests.Lessons;

/// <summary>Notebook.Start and chart rendering share one "plotly.js is on the page" flag: run apart from lessons.</summary>
[Collection(NotebookCollection.Name)]
public sealed class ChartEmbeddingTests
{
    [Fact]
    public void PlotlyJsIsEmbeddedOncePerNotebookAndNeverFetched()
    {
        Notebook.Start();
        var first = Charts.Columns("C", "x", "y", ["a"], ("s", [1])).ToHtml();
        var second = Charts.Columns("C", "x", "y", ["a"], ("s", [1])).ToHtml();
        Assert.Contains(ChartHtml.PlotlyJsMarker, first, StringComparison.Ordinal);
        Assert.DoesNotContain(ChartHtml.PlotlyJsMarker, second, StringComparison.Ordinal);
        // plotly.js mentions its CDN in a config default; what matters is that nothing loads from it.
        Assert.DoesNotContain("cdn.plot.ly/plotly-", first + second, StringComparison.Ordinal);
        Assert.DoesNotContain("require.config", first + second, StringComparison.Ordinal);
        Notebook.Start();
        Assert.Contains(ChartHtml.PlotlyJsMarker, Charts.Columns("C", "x", "y", ["a"], ("s", [1])).ToHtml(), StringComparison.Ordinal);
    }
}
