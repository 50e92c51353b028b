using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KmsLab.Exam;

/// <summary>Reads one topic file of the bank, refusing anything exam-bank/README.md does not allow, with the file and line.</summary>
internal static partial class TopicFileReader
{
    private static readonly string[] Difficulties = ["easy", "medium", "hard"];
    private static readonly string[] TopicMembers = ["topic", "title", "questions"];
    private static readonly string[] QuestionMembers = ["id", "stem", "exams", "difficulty", "lesson", "checkpoint", "choices"];
    private static readonly string[] ChoiceMembers = ["text", "correct", "why"];

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\d\d-[a-z0-9-]+$")]
    private static partial Regex LessonPattern();

    // Options are shuffled on every attempt, so one that points at others by letter or position is wrong somewhere.
    [GeneratedRegex(@"\b(all|none|both) of the above\b|\b(options?|choices?|answers?) [A-E]\b|\b[A-E] (and|or) [A-E]\b", RegexOptions.IgnoreCase)]
    private static partial Regex RefersToOtherChoices();

    /// <summary>The topic and questions of <paramref name="text"/>, read from <paramref name="file"/>.</summary>
    public static (ExamTopic Topic, List<ExamQuestion> Questions) Read(string file, string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new ExamBankException(new BankLocation(file, (int)(e.LineNumber ?? 0) + 1), $"not valid JSON: {e.Message}");
        }
        using (document)
        {
            var lines = JsonLineMap.Of(utf8);
            var root = document.RootElement;
            var top = new BankLocation(file, 1);
            if (root.ValueKind != JsonValueKind.Object) throw new ExamBankException(top, "a topic file is an object with \"topic\", \"title\" and \"questions\".");
            Unknown(root, TopicMembers, top, "the topic");
            var name = String(root, "topic", top, "the topic");
            var expected = Path.GetFileNameWithoutExtension(file);
            if (name != expected) throw new ExamBankException(top, $"\"topic\" is \"{name}\", but the file is {Path.GetFileName(file)}: they must match.");
            var topic = new ExamTopic(name, String(root, "title", top, "the topic"), file);
            if (!root.TryGetProperty("questions", out var questions) || questions.ValueKind != JsonValueKind.Array || questions.GetArrayLength() == 0)
                throw new ExamBankException(top, "\"questions\" must be a non-empty array.");
            var read = new List<ExamQuestion>();
            int index = 0;
            foreach (var question in questions.EnumerateArray())
            {
                read.Add(Question(question, name, file, lines, index));
                index++;
            }
            return (topic, read);
        }
    }

    private static ExamQuestion Question(JsonElement q, string topic, string file, JsonLineMap lines, int index)
    {
        BankLocation At(string member = "") => new(file, lines.Line(index, member));
        if (q.ValueKind != JsonValueKind.Object) throw new ExamBankException(At(), "each question is an object.");
        Unknown(q, QuestionMembers, At(), "a question", m => At(m));

        var id = String(q, "id", At(), "a question");
        if (!IdPattern().IsMatch(id)) throw new ExamBankException(At("id"), $"id \"{id}\" may hold only lowercase letters, digits, '.' and '-'.");
        string What = $"question {id}";
        var stem = Text(q, "stem", At("stem"), What, At());

        if (!q.TryGetProperty("exams", out var exams) || exams.ValueKind != JsonValueKind.Object || !exams.EnumerateObject().Any())
            throw new ExamBankException(At("exams"), $"{What}: \"exams\" maps at least one exam code (SCS-C03, SAA-C03, DVA-C02) to its domain.");
        var examDomains = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var exam in exams.EnumerateObject())
        {
            var definition = ExamCatalog.Find(exam.Name);
            if (definition is null || definition.Code != exam.Name)
                throw new ExamBankException(At("exams"), $"{What}: unknown exam \"{exam.Name}\"; the bank serves {string.Join(", ", ExamCatalog.All.Select(e => e.Code))}.");
            var domain = exam.Value.ValueKind == JsonValueKind.String ? exam.Value.GetString()! : "";
            if (definition.Domain(domain) is null)
                throw new ExamBankException(At("exams"), $"{What}: \"{domain}\" is not a domain of {exam.Name}; its domains are {string.Join(", ", definition.Domains.Select(d => d.Id))}.");
            examDomains[exam.Name] = domain;
        }

        var difficulty = String(q, "difficulty", At("difficulty"), What);
        if (!Difficulties.Contains(difficulty)) throw new ExamBankException(At("difficulty"), $"{What}: difficulty is easy, medium or hard, not \"{difficulty}\".");
        var lesson = String(q, "lesson", At("lesson"), What);
        if (!LessonPattern().IsMatch(lesson)) throw new ExamBankException(At("lesson"), $"{What}: lesson \"{lesson}\" is a notebook's name without .ipynb, e.g. 04-envelope-encryption.");
        var checkpoint = false;
        if (q.TryGetProperty("checkpoint", out var cp))
        {
            if (cp.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new ExamBankException(At("checkpoint"), $"{What}: \"checkpoint\" is true or false.");
            checkpoint = cp.GetBoolean();
        }

        if (!q.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            throw new ExamBankException(At("choices"), $"{What}: \"choices\" is an array of options.");
        var read = new List<ExamChoice>();
        int i = 0;
        foreach (var c in choices.EnumerateArray())
        {
            var where = At($"choices[{i}]");
            if (c.ValueKind != JsonValueKind.Object) throw new ExamBankException(where, $"{What}: each choice is an object with \"text\", \"why\" and, for the right one, \"correct\": true.");
            Unknown(c, ChoiceMembers, where, What);
            var text = Text(c, "text", where, What, where);
            if (RefersToOtherChoices().IsMatch(text))
                throw new ExamBankException(where, $"{What}: \"{text}\" refers to other options by letter or position, but options are shuffled on every attempt; say what they say instead.");
            var correct = false;
            if (c.TryGetProperty("correct", out var cc))
            {
                if (cc.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new ExamBankException(where, $"{What}: \"correct\" is true or false.");
                correct = cc.GetBoolean();
            }
            read.Add(new ExamChoice(text, correct, Text(c, "why", where, What, where)));
            i++;
        }
        var right = read.Count(c => c.Correct);
        var chooseTwo = stem.Contains("(Choose two.)", StringComparison.Ordinal);
        if (chooseTwo ? right != 2 || read.Count != 5 : right != 1 || read.Count is < 4 or > 5)
            throw new ExamBankException(At("choices"), chooseTwo
                ? $"{What}: a \"(Choose two.)\" question has five choices, exactly two of them \"correct\": true (it has {read.Count}, {right} correct)."
                : $"{What}: a question has four or five choices and exactly one \"correct\": true (it has {read.Count}, {right} correct); a question with two right choices ends its stem with \"(Choose two.)\".");
        var repeated = read.GroupBy(c => c.Text, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ExamBankException(At("choices"), $"{What}: the choice \"{repeated.Key}\" is written twice.");

        return new ExamQuestion(id, topic, stem, examDomains, difficulty, lesson, checkpoint, read, At());
    }

    private static void Unknown(JsonElement element, string[] allowed, BankLocation where, string what, Func<string, BankLocation>? memberAt = null)
    {
        foreach (var member in element.EnumerateObject())
            if (!allowed.Contains(member.Name))
                throw new ExamBankException(memberAt?.Invoke(member.Name) ?? where, $"{what}: unknown member \"{member.Name}\"; allowed: {string.Join(", ", allowed)}.");
    }

    private static string String(JsonElement element, string name, BankLocation where, string what)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw new ExamBankException(where, $"{what}: \"{name}\" is missing or empty.");
        return value.GetString()!.Trim();
    }

    /// <summary>A prose member, with the facts table's numbers filled in.</summary>
    private static string Text(JsonElement element, string name, BankLocation where, string what, BankLocation missingAt)
    {
        var text = String(element, name, missingAt, what);
        var filled = BankFacts.Fill(text, out var unknown);
        if (unknown is not null) throw new ExamBankException(where, $"{what}: {{fact:{unknown}}} names no fact of KmsFacts.");
        return filled;
    }
}
