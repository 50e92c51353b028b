using KmsLab.Exam;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Exam;

/// <summary>The shipped bank is well formed, large enough, and covers the course and the exams.</summary>
public sealed class ExamBankTests
{
    private static ExamBank Bank => ExamBank.Default;

    private static IReadOnlyList<string> Lessons => Repository.LessonFiles.Select(Path.GetFileNameWithoutExtension).ToList()!;

    [Fact]
    public void The_shipped_bank_is_the_repositorys_exam_bank_folder()
    {
        var fromDisk = ExamBank.FromFolder(Path.Combine(Repository.Root, "exam-bank"));
        Assert.Equal(fromDisk.Questions.Select(q => q.Id), Bank.Questions.Select(q => q.Id));
        Assert.Equal(fromDisk.Topics.Select(t => t.Name), Bank.Topics.Select(t => t.Name));
    }

    [Fact]
    public void It_holds_at_least_150_questions()
    {
        Assert.True(Bank.Questions.Count >= 150, $"the bank holds {Bank.Questions.Count} questions");
    }

    [Fact]
    public void Every_question_links_to_a_lesson_that_exists()
    {
        var missing = Bank.Questions.Where(q => !Lessons.Contains(q.Lesson)).Select(q => $"{q.Id} ({q.Source}): {q.Lesson}").ToList();
        Assert.True(missing.Count == 0, "Questions linking to no notebook:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_lesson_of_the_course_is_asked_about()
    {
        var thin = Lessons.Where(l => l != "09-exam-prep")
            .Select(l => (Lesson: l, Count: Bank.Questions.Count(q => q.Lesson == l)))
            .Where(x => x.Count < 5).Select(x => $"{x.Lesson}: {x.Count}").ToList();
        Assert.True(thin.Count == 0, "Lessons with fewer than 5 questions:\n" + string.Join("\n", thin));
    }

    [Fact]
    public void Every_domain_of_every_exam_has_questions_to_score()
    {
        var empty = ExamCatalog.All.SelectMany(e => e.Domains.Select(d => (e, d)))
            .Where(x => Bank.Questions.Count(q => q.DomainFor(x.e.Code) == x.d.Id) < 2)
            .Select(x => $"{x.e.Code} {x.d.Id}").ToList();
        Assert.True(empty.Count == 0, "Domains with fewer than 2 questions:\n" + string.Join("\n", empty));
    }

    [Fact]
    public void Each_lesson_asking_check_your_understanding_has_its_checkpoint_questions()
    {
        foreach (var file in Repository.LessonFiles)
        {
            var text = File.ReadAllText(file);
            var lesson = Path.GetFileNameWithoutExtension(file)[..2];
            if (!text.Contains($"Quiz.ForLesson(\\\"{lesson}", StringComparison.Ordinal)) continue;
            var asked = System.Text.RegularExpressions.Regex.Matches(text, @"\.Question\((\d+)\)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
            Assert.True(Bank.CheckpointsFor(lesson).Count >= asked, $"{Path.GetFileName(file)} asks question {asked}, but the bank has {Bank.CheckpointsFor(lesson).Count} checkpoints for lesson {lesson}");
        }
    }

    [Fact]
    public void Every_choice_says_why_and_no_stem_appears_twice()
    {
        // The loader refuses both; this states the rule for the shipped bank in one place a reader finds.
        Assert.All(Bank.Questions, q => Assert.All(q.Choices, c => Assert.False(string.IsNullOrWhiteSpace(c.Why))));
        Assert.Equal(Bank.Questions.Count, Bank.Questions.Select(q => q.Stem.ToLowerInvariant()).Distinct().Count());
    }

    [Fact]
    public void Stems_and_explanations_carry_no_unfilled_fact()
    {
        var left = Bank.Questions.SelectMany(q => new[] { q.Stem }.Concat(q.Choices.SelectMany(c => new[] { c.Text, c.Why })).Select(t => (q, t)))
            .Where(x => x.t.Contains("{fact:", StringComparison.Ordinal) || x.t.Contains("{KmsFacts", StringComparison.Ordinal)).Select(x => x.q.Id).Distinct().ToList();
        Assert.Empty(left);
    }
}
