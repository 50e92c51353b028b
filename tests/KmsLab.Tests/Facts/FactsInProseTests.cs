using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KmsLab.Lessons;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Facts;

/// <summary>
/// The lessons' prose and the questions' explanations state no number that <see cref="KmsFacts"/>
/// contradicts, and the table's "where you met it" names lessons that do teach each fact.
/// </summary>
public sealed class FactsInProseTests
{
    /// <summary>Each lesson's markdown cells, and each bank question's whys (choices hold deliberate wrong numbers).</summary>
    private static IEnumerable<(string Where, string Text)> Prose()
    {
        foreach (var file in Repository.LessonFiles)
        {
            var cells = JsonNode.Parse(File.ReadAllText(file))!["cells"]!.AsArray();
            int i = 0;
            foreach (var cell in cells)
            {
                i++;
                if (cell!["cell_type"]!.GetValue<string>() != "markdown") continue;
                yield return ($"{Path.GetFileName(file)}, cell {i}", string.Concat(cell["source"]!.AsArray().Select(l => l!.GetValue<string>())));
            }
        }
        foreach (var q in KmsLab.Exam.ExamBank.Default.Questions)
            foreach (var c in q.Choices) yield return ($"question {q.Id} ({q.Source})", c.Why);
        yield return ("notebooks/terminal-lab.md", File.ReadAllText(Path.Combine(Repository.Notebooks, "terminal-lab.md")));
    }

    [Fact]
    public void No_lesson_states_a_number_the_facts_table_contradicts()
    {
        var wrong = Prose().SelectMany(p => ProseFacts.Find(p.Text).Where(s => !s.Matches).Select(s => $"{p.Where}: \"{s.Text}\" ({s.Rule}; KmsFacts: {string.Join(", ", s.Candidates)})")).ToList();
        Assert.True(wrong.Count == 0, "Prose that contradicts KmsFacts:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void The_check_is_not_vacuous_every_rule_finds_statements_in_the_lessons()
    {
        var found = Prose().SelectMany(p => ProseFacts.Find(p.Text)).ToList();
        Assert.True(found.Count >= 25, $"only {found.Count} statements found");
        foreach (var rule in ProseFacts.RuleNames) Assert.Contains(found, s => s.Rule == rule);
    }

    [Fact]
    public void Every_statement_found_fails_the_check_once_its_number_is_changed()
    {
        int mutated = 0;
        foreach (var (where, text) in Prose())
        {
            foreach (var statement in ProseFacts.Find(text))
            {
                // Change the stated number by 3 (0.03 for prices): a different value the table does not know there.
                var number = text.Substring(statement.NumberIndex, statement.NumberLength).Replace(",", "", StringComparison.Ordinal);
                var changed = number.Contains('.', StringComparison.Ordinal)
                    ? (decimal.Parse(number, System.Globalization.CultureInfo.InvariantCulture) + 0.03m).ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : (long.Parse(number, System.Globalization.CultureInfo.InvariantCulture) + 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var wrongText = text[..statement.NumberIndex] + changed + text[(statement.NumberIndex + statement.NumberLength)..];
                Assert.True(ProseFacts.Find(wrongText).Any(s => !s.Matches), $"{where}: changing \"{statement.Text}\" to {changed} went unnoticed");
                mutated++;
            }
        }
        Assert.True(mutated >= 25, $"only {mutated} statements mutated");
    }

    [Fact]
    public void A_wrong_deletion_window_default_and_a_wrong_price_are_caught()
    {
        Assert.Contains(ProseFacts.Find("`ScheduleKeyDeletion` waits 7–30 days (default 7)."), s => !s.Matches);
        Assert.Contains(ProseFacts.Find("requests cost $0.04 per 10,000 after 20,000 free"), s => !s.Matches);
        Assert.Contains(ProseFacts.Find("Encrypt takes up to 8 KB of plaintext"), s => !s.Matches);
        Assert.DoesNotContain(ProseFacts.Find("`ScheduleKeyDeletion` waits 7–30 days (default 30)."), s => !s.Matches);
    }

    public static TheoryData<string> TaughtFacts()
    {
        var data = new TheoryData<string>();
        foreach (var fact in KmsFacts.All.Where(f => f.Lessons.Length > 0)) data.Add(fact.Name);
        return data;
    }

    /// <summary>"Where you met it" on the exam sheet: each lesson named states the number or shows it from the table.</summary>
    [Theory]
    [MemberData(nameof(TaughtFacts))]
    public void Each_lesson_a_fact_names_teaches_it(string name)
    {
        var fact = KmsFacts.Get(name);
        foreach (var lesson in fact.Lessons.Split(", "))
        {
            var file = Repository.LessonFiles.Single(f => Path.GetFileName(f).StartsWith(lesson + "-", StringComparison.Ordinal));
            var text = string.Concat(JsonNode.Parse(File.ReadAllText(file))!["cells"]!.AsArray()
                .Where(c => c!["id"]?.GetValue<string>() != "kmslab-setup")
                .SelectMany(c => c!["source"]!.AsArray().Select(l => l!.GetValue<string>())));
            var value = fact.Display.TrimStart('$');
            Assert.True(Regex.IsMatch(text, $@"(?<![\d.]){Regex.Escape(value)}(?![\d]|\.\d)") || text.Contains("KmsFacts." + name, StringComparison.Ordinal),
                $"KmsFacts.{name} says lesson {lesson} teaches it, but {Path.GetFileName(file)} neither states {fact.Display} nor shows KmsFacts.{name}");
        }
    }
}
