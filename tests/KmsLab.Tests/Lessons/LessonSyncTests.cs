using KmsLab.Cli.Notebooks;

namespace KmsLab.Tests.Lessons;

public sealed class LessonSyncTests
{
    private static readonly string[] Readmes = LessonSync.LessonTablePages.Select(page => Path.Combine(Repository.Root, page)).ToArray();

    [Fact]
    public void GeneratedPartsAreUpToDate()
    {
        var stale = LessonSync.Run(Repository.Notebooks, Readmes, checkOnly: true);
        Assert.True(stale.Count == 0, "Stale (run `kmslab lessons sync`): " + string.Join(", ", stale));
    }

    [Fact]
    public void EveryLessonTablePageHasTheTableMarkers()
    {
        // Sync skips a page without markers: without this check a lost marker would leave a stale table unnoticed.
        foreach (var page in Readmes)
        {
            Assert.True(File.Exists(page), $"{page} does not exist");
            var text = File.ReadAllText(page);
            int start = text.IndexOf(LessonSync.TableStart, StringComparison.Ordinal);
            int end = text.IndexOf(LessonSync.TableEnd, StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, $"{page}: no lesson table between the kmslab:lessons markers");
            Assert.Contains("00-start-here.ipynb", text[start..end], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryLessonLinksToAPageWithTheLessonTable()
    {
        // The navigation cell's "All lessons" link is relative to the notebook: it must open a page that lists the lessons.
        var target = Path.Combine(Repository.Notebooks, "README.md");
        Assert.Contains(Path.GetFullPath(target), Readmes.Select(Path.GetFullPath));
        foreach (var file in Repository.LessonFiles)
        {
            Assert.Contains("[All lessons](README.md)", IpynbDocument.Load(file).Cells[^1].Source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NotebooksAreCommittedWithoutOutputs()
    {
        foreach (var file in Repository.LessonFiles)
        {
            foreach (var cell in IpynbDocument.Load(file).Cells.Where(c => c.IsCode))
            {
                Assert.False(cell.HasOutputs, $"{Path.GetFileName(file)}: cell {cell.Id} has outputs or an execution count.");
            }
        }
    }

    [Fact]
    public void EveryLessonHasTheTeachingShape()
    {
        foreach (var file in Repository.LessonFiles)
        {
            var name = Path.GetFileName(file);
            var nb = IpynbDocument.Load(file);
            var prose = string.Join("\n", nb.Cells.Where(c => c.IsMarkdown).Select(c => c.Source));
            var code = string.Join("\n", nb.Cells.Where(c => c.IsCode).Select(c => c.Source));
            Assert.True(nb.Cells.Count(c => c.IsMarkdown && c.Source.StartsWith("# Lesson", StringComparison.Ordinal)) == 1, $"{name}: one '# Lesson NN — Title' heading");
            foreach (var part in new[] { "You will learn to", "Before you start", "✍️ Exercise", "## Summary", "## Jargon recap", "<details><summary>Solution" })
            {
                Assert.True(prose.Contains(part, StringComparison.Ordinal), $"{name}: no '{part}'");
            }
            Assert.True(code.Contains("Exercises.", StringComparison.Ordinal), $"{name}: no exercise check cell");
            Assert.True(code.Contains("Quiz.", StringComparison.Ordinal), $"{name}: no scored questions");
            // Named after the lesson, with or without options (lesson 14 gives its lab an in-process XKS proxy).
            var forLesson = "Lab.ForLesson(\"" + name[..^".ipynb".Length] + "\"";
            Assert.True(code.Contains(forLesson + ")", StringComparison.Ordinal) || code.Contains(forLesson + ",", StringComparison.Ordinal), $"{name}: the lab is not named after the lesson");
            if (!name.StartsWith("09", StringComparison.Ordinal)) Assert.True(prose.Contains("🤔 **Predict", StringComparison.Ordinal), $"{name}: no predict-then-run prompt");
            Assert.StartsWith(LessonSync.NavigationMarker, nb.Cells[^1].Source, StringComparison.Ordinal);
            Assert.Equal(LessonSync.SetupCell, nb.Cells.First(c => c.IsCode).Source);
        }
    }

    [Fact]
    public void ChartsAppearInAtLeastFourLessons()
    {
        var withCharts = Repository.LessonFiles.Count(f => IpynbDocument.Load(f).Cells.Any(c => c.IsCode && c.Source.Contains("Charts.", StringComparison.Ordinal)));
        Assert.True(withCharts >= 4, $"{withCharts} lessons draw charts");
    }

    [Fact]
    public void SyncWritesSetupNavigationAndTablesAndIsIdempotent()
    {
        using var dir = new TempDir();
        var notebooks = Path.Combine(dir.Path, "notebooks");
        Directory.CreateDirectory(notebooks);
        foreach (var (file, title) in new[] { ("00-intro.ipynb", "Intro"), ("01-next.ipynb", "Next step") })
        {
            var nb = IpynbDocument.CreatePolyglot();
            nb.AddCell("markdown", $"# Lesson {file[..2]} — {title}\n\nWhat {title} is about.");
            nb.AddCell("code", "1 + 1").Json["outputs"] = new System.Text.Json.Nodes.JsonArray { new System.Text.Json.Nodes.JsonObject { ["output_type"] = "stream" } };
            nb.Save(Path.Combine(notebooks, file));
        }
        var readme = Path.Combine(dir.Path, "README.md");
        File.WriteAllText(readme, $"# Course\n\n{LessonSync.TableStart}\nold table\n{LessonSync.TableEnd}\n\nMore text.\n");

        var changed = LessonSync.Run(notebooks, [readme], checkOnly: false);
        Assert.Equal(3, changed.Count);
        Assert.Empty(LessonSync.Run(notebooks, [readme], checkOnly: true));

        var first = IpynbDocument.Load(Path.Combine(notebooks, "00-intro.ipynb"));
        Assert.Equal(LessonSync.SetupCell, first.Cells[1].Source);
        Assert.Contains("Next: [01 · Next step](01-next.ipynb)", first.Cells[^1].Source, StringComparison.Ordinal);
        Assert.DoesNotContain("Previous", first.Cells[^1].Source, StringComparison.Ordinal);
        Assert.All(first.Cells.Where(c => c.IsCode), c => Assert.False(c.HasOutputs));
        var text = File.ReadAllText(readme);
        Assert.Contains("| 01 | [Next step](notebooks/01-next.ipynb) | What Next step is about. |", text, StringComparison.Ordinal);
        Assert.DoesNotContain("old table", text, StringComparison.Ordinal);
        Assert.EndsWith("More text.\n", text, StringComparison.Ordinal);
    }
}
