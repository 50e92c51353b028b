using KmsLab.Exam;

namespace KmsLab.Tests.Exam;

/// <summary>The loader refuses a malformed topic file, naming the file and the line to fix, and fills in the facts table's numbers.</summary>
public sealed class ExamBankLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-bank-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Good = """
        {
          "topic": "sample",
          "title": "A sample topic",
          "questions": [
            {
              "id": "sample.one",
              "stem": "How much plaintext does Encrypt take under a symmetric key?",
              "exams": { "DVA-C02": "development" },
              "difficulty": "easy",
              "lesson": "03-encrypt-decrypt",
              "choices": [
                { "text": "{fact:MaxEncryptPlaintextBytes} bytes", "correct": true, "why": "The API reference bounds Plaintext at {fact:MaxEncryptPlaintextBytes} bytes." },
                { "text": "8 KB", "why": "Too much." },
                { "text": "1 MB", "why": "Far too much." },
                { "text": "No limit", "why": "Encrypt is bounded." }
              ]
            }
          ]
        }
        """;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private ExamBankException Refused(string text, string name = "sample.json")
    {
        var path = Write(name, text);
        var e = Assert.Throws<ExamBankException>(() => ExamBank.FromFolder(_folder));
        Assert.Equal(path, e.Where.File);
        Assert.StartsWith($"{path}:{e.Where.Line}: ", e.Message, StringComparison.Ordinal);
        return e;
    }

    private static int LineOf(string text, string fragment) => text[..text.IndexOf(fragment, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    [Fact]
    public void A_good_file_loads_with_the_facts_filled_in()
    {
        Write("sample.json", Good);
        var q = Assert.Single(ExamBank.FromFolder(_folder).Questions);
        Assert.Equal("4096 bytes", q.Choices[0].Text);
        Assert.Contains("4096 bytes.", q.Choices[0].Why, StringComparison.Ordinal);
        Assert.Equal(new BankLocation(Path.Combine(_folder, "sample.json"), LineOf(Good, "{\n      \"id\"")), q.Source);
        Assert.Equal("development", q.DomainFor("DVA-C02"));
        Assert.Null(q.DomainFor("SCS-C03"));
    }

    [Fact]
    public void Broken_json_names_its_line()
    {
        var text = Good.Replace("\"easy\",", "\"easy\"", StringComparison.Ordinal);
        var e = Refused(text);
        Assert.Equal(LineOf(text, "\"lesson\""), e.Where.Line);
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_choice_without_why_names_the_choices_line()
    {
        var text = Good.Replace("{ \"text\": \"8 KB\", \"why\": \"Too much.\" }", "{ \"text\": \"8 KB\" }", StringComparison.Ordinal);
        var e = Refused(text);
        Assert.Equal(LineOf(text, "\"8 KB\""), e.Where.Line);
        Assert.Contains("\"why\" is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_correct_choices_need_choose_two_and_none_is_refused()
    {
        var two = Good.Replace("{ \"text\": \"8 KB\", \"why\"", "{ \"text\": \"8 KB\", \"correct\": true, \"why\"", StringComparison.Ordinal);
        Assert.Contains("exactly one \"correct\": true (it has 4, 2 correct)", Refused(two).Message, StringComparison.Ordinal);
        var none = Good.Replace("\"correct\": true, ", "", StringComparison.Ordinal);
        Assert.Contains("(it has 4, 0 correct)", Refused(none).Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(none, "\"choices\""), Refused(none).Where.Line);
    }

    [Fact]
    public void Unknown_facts_members_exams_and_domains_are_refused()
    {
        Assert.Contains("{fact:MaxEncryptBytes} names no fact", Refused(Good.Replace("fact:MaxEncryptPlaintextBytes} bytes\"", "fact:MaxEncryptBytes} bytes\"", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        var typo = Good.Replace("\"difficulty\"", "\"dificulty\"", StringComparison.Ordinal);
        var e = Refused(typo);
        Assert.Contains("unknown member \"dificulty\"", e.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(typo, "\"dificulty\""), e.Where.Line);
        Assert.Contains("unknown exam \"DVA-C01\"", Refused(Good.Replace("DVA-C02", "DVA-C01", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.Contains("\"coding\" is not a domain of DVA-C02", Refused(Good.Replace("\"development\"", "\"coding\"", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.Contains("difficulty is easy, medium or hard", Refused(Good.Replace("\"easy\"", "\"trivial\"", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_choice_pointing_at_others_by_letter_is_refused()
    {
        Assert.Contains("refers to other options by letter or position", Refused(Good.Replace("\"No limit\"", "\"All of the above\"", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.Contains("refers to other options", Refused(Good.Replace("\"No limit\"", "\"Both A and C\"", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_topic_must_match_its_file_and_ids_and_stems_are_unique_across_files()
    {
        Assert.Contains("they must match", Refused(Good, "other.json").Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(_folder, "other.json"));

        Write("sample.json", Good);
        var again = Good.Replace("\"sample\"", "\"second\"", StringComparison.Ordinal);
        var e = Refused(again, "second.json");
        Assert.Contains("id \"sample.one\" is already used at " + Path.Combine(_folder, "sample.json"), e.Message, StringComparison.Ordinal);

        var sameStem = again.Replace("sample.one", "second.one", StringComparison.Ordinal).Replace("How much", "how  much", StringComparison.Ordinal);
        Assert.Contains("has the same stem as sample.one", Refused(sameStem, "second.json").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_instructors_folder_adds_to_the_shipped_bank()
    {
        Write("sample.json", Good);
        var bank = ExamBank.WithFolders([_folder]);
        Assert.Equal(ExamBank.Default.Questions.Count + 1, bank.Questions.Count);
        Assert.Equal("sample", bank.Question("sample.one").Topic);
        Assert.Throws<DirectoryNotFoundException>(() => ExamBank.WithFolders([Path.Combine(_folder, "nope")]));
    }
}
