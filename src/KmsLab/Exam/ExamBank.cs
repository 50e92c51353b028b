using System.Reflection;

namespace KmsLab.Exam;

/// <summary>
/// The question bank: the topic files KmsLab ships (exam-bank/ in the repository, embedded in this
/// library) and any an instructor adds. Every question KmsLab asks comes from here: the lessons'
/// "Check your understanding" (<see cref="ExamQuestion.Checkpoint"/>), lesson 09 and <c>kmslab exam</c>.
/// </summary>
public sealed class ExamBank
{
    /// <summary>The environment variable naming a folder of an instructor's own topic files, added to the shipped bank.</summary>
    public const string FolderVariable = "KMSLAB_EXAM_BANK";

    private const string ResourcePrefix = "exam-bank/";
    private static readonly Lazy<ExamBank> Shipped = new(() => Parse(ShippedFiles()));
    private readonly Dictionary<string, ExamQuestion> _byId;

    private ExamBank(IReadOnlyList<ExamTopic> topics, IReadOnlyList<ExamQuestion> questions)
    {
        Topics = topics;
        Questions = questions;
        _byId = questions.ToDictionary(q => q.Id, StringComparer.Ordinal);
    }

    /// <summary>The bank KmsLab ships.</summary>
    public static ExamBank Default => Shipped.Value;

    /// <summary>The topics, in file-name order.</summary>
    public IReadOnlyList<ExamTopic> Topics { get; }

    /// <summary>Every question, topic by topic in file order.</summary>
    public IReadOnlyList<ExamQuestion> Questions { get; }

    /// <summary>
    /// The shipped bank plus the topic files (<c>*.json</c>) of <paramref name="folders"/>. A file
    /// named like a shipped topic replaces it.
    /// </summary>
    /// <exception cref="ExamBankException">A file is malformed (the message names the file and line).</exception>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist.</exception>
    public static ExamBank WithFolders(IEnumerable<string> folders)
    {
        var files = ShippedFiles().ToDictionary(f => Path.GetFileName(f.File), StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"The question folder {folder} does not exist.");
            foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
                files[Path.GetFileName(path)] = (path, File.ReadAllText(path));
        }
        return Parse(files.Values);
    }

    /// <summary>Only the topic files of <paramref name="folder"/> (to check an instructor's bank on its own).</summary>
    /// <exception cref="ExamBankException">A file is malformed (the message names the file and line).</exception>
    public static ExamBank FromFolder(string folder) =>
        Parse(Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(p => (p, File.ReadAllText(p))));

    /// <summary>The question with <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No question has that id.</exception>
    public ExamQuestion Question(string id) =>
        _byId.TryGetValue(id, out var q) ? q : throw new KeyNotFoundException($"The bank has no question '{id}'.");

    /// <summary>The question with <paramref name="id"/>, or null.</summary>
    public ExamQuestion? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The questions lesson <paramref name="lesson"/> asks in "Check your understanding", in file order.</summary>
    /// <param name="lesson"><c>"03"</c> or <c>"03-encrypt-decrypt"</c>.</param>
    public IReadOnlyList<ExamQuestion> CheckpointsFor(string lesson)
    {
        var number = lesson[..Math.Min(2, lesson.Length)];
        return Questions.Where(q => q.Checkpoint && q.LessonNumber == number).ToList();
    }

    /// <summary>The questions that serve <paramref name="examCode"/>.</summary>
    public IReadOnlyList<ExamQuestion> ForExam(string examCode) => Questions.Where(q => q.DomainFor(examCode) is not null).ToList();

    internal static ExamBank Parse(IEnumerable<(string File, string Text)> files)
    {
        var topics = new List<ExamTopic>();
        var questions = new List<ExamQuestion>();
        var ids = new Dictionary<string, ExamQuestion>(StringComparer.Ordinal);
        var stems = new Dictionary<string, ExamQuestion>(StringComparer.Ordinal);
        foreach (var (file, text) in files.OrderBy(f => Path.GetFileName(f.File), StringComparer.Ordinal))
        {
            var (topic, read) = TopicFileReader.Read(file, text);
            topics.Add(topic);
            foreach (var q in read)
            {
                if (ids.TryGetValue(q.Id, out var first)) throw new ExamBankException(q.Source, $"id \"{q.Id}\" is already used at {first.Source}.");
                var stem = string.Join(' ', q.Stem.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                if (stems.TryGetValue(stem, out var same)) throw new ExamBankException(q.Source, $"question {q.Id} has the same stem as {same.Id} at {same.Source}.");
                ids[q.Id] = q;
                stems[stem] = q;
                questions.Add(q);
            }
        }
        return new ExamBank(topics, questions);
    }

    private static IEnumerable<(string File, string Text)> ShippedFiles()
    {
        var assembly = typeof(ExamBank).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (name, reader.ReadToEnd());
        }
    }
}
