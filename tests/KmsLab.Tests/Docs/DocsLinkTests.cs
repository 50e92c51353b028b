using System.Text;
using System.Text.RegularExpressions;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Docs;

/// <summary>
/// The docs are one page per reader that link to each other: a moved page or a renamed heading
/// must not leave a reader at a dead link. Every relative link (and its <c>#anchor</c>) in the
/// front door, the docs pages and the folders' READMEs must resolve.
/// </summary>
public sealed partial class DocsLinkTests
{
    /// <summary>The pages a reader navigates: not docs/_incoming/, which holds notes waiting to be folded in.</summary>
    public static TheoryData<string> Pages()
    {
        var root = Repository.Root;
        var pages = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"))
            .Concat(Directory.GetFiles(Repository.Notebooks, "*.md"))
            .Concat(Directory.GetFiles(Path.Combine(root, "lab-setup"), "*.md"));
        var data = new TheoryData<string>();
        foreach (var page in pages.Order(StringComparer.Ordinal)) data.Add(Path.GetRelativePath(root, page).Replace('\\', '/'));
        return data;
    }

    [Fact]
    public void EveryReaderHasAPageAndTheFrontDoorLinksToIt()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        foreach (var page in new[] { "learner", "instructor", "library", "contributor" })
        {
            Assert.True(File.Exists(Path.Combine(Repository.Root, "docs", page + ".md")), $"docs/{page}.md is missing");
            Assert.Contains($"(docs/{page}.md)", readme, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryRelativeLinkResolves(string page)
    {
        var path = Path.Combine(Repository.Root, page);
        var broken = new List<string>();
        foreach (var target in RelativeLinks(File.ReadAllText(path)))
        {
            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: {file} does not exist");
            }
            else if (anchor is not null && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(resolved)).Contains(anchor))
            {
                broken.Add($"{target}: no heading with the anchor #{anchor} in {Path.GetFileName(resolved)}");
            }
        }
        Assert.True(broken.Count == 0, $"{page} has broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void LinksAndAnchorsAreReadAsGitHubReadsThem()
    {
        var links = RelativeLinks("See [a](learner.md#real-aws), [b](https://example.com), `[c](code.md)`, [d](#top).\n```\n[e](fenced.md)\n```\n").ToList();
        Assert.Equal(["learner.md#real-aws", "#top"], links);
        var anchors = Anchors("# Taking the course\n## `kmslab run`\n## Real AWS\n## Real AWS\n```\n# not a heading\n```\n");
        Assert.Equal(["taking-the-course", "kmslab-run", "real-aws", "real-aws-1"], anchors);
    }

    /// <summary>Link targets outside code and comments that are not absolute URLs.</summary>
    internal static IEnumerable<string> RelativeLinks(string markdown)
    {
        foreach (Match m in Link().Matches(Prose(markdown)))
        {
            var target = m.Groups["target"].Value.Trim();
            if (target.Length == 0 || Scheme().IsMatch(target)) continue;
            yield return target.Split(' ', 2)[0].Trim('<', '>');
        }
    }

    /// <summary>The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    internal static List<string> Anchors(string markdown)
    {
        var anchors = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in Prose(markdown, keepInlineCode: true).Split('\n'))
        {
            var heading = Heading().Match(line);
            if (!heading.Success) continue;
            var text = LinkText().Replace(heading.Groups["text"].Value.Trim(), "${text}");
            var slug = new StringBuilder();
            foreach (var c in text.ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
                else if (c == ' ') slug.Append('-');
            }
            var s = slug.ToString();
            anchors.Add(seen.TryGetValue(s, out var n) ? $"{s}-{n}" : s);
            seen[s] = n + 1;
        }
        return anchors;
    }

    /// <summary>The page without fenced code blocks, HTML comments and (unless kept) inline code.</summary>
    private static string Prose(string markdown, bool keepInlineCode = false)
    {
        var text = Comment().Replace(markdown.Replace("\r\n", "\n", StringComparison.Ordinal), "");
        var lines = new List<string>();
        bool fenced = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; lines.Add(""); continue; }
            lines.Add(fenced ? "" : keepInlineCode ? line : InlineCode().Replace(line, ""));
        }
        return string.Join("\n", lines);
    }

    [GeneratedRegex(@"!?\[(?:[^\]\\]|\\.)*\]\((?<target>[^)\s]*(?:\s+""[^""]*"")?)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkText();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
