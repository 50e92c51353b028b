using System.Text;
using System.Text.Json;

namespace KmsLab.Exam;

/// <summary>
/// The line of each question, each of its members and each choice in a topic file, so that the
/// loader can point an instructor at the line to fix (JsonDocument itself keeps no positions).
/// </summary>
internal sealed class JsonLineMap
{
    private readonly Dictionary<(int Question, string Member), int> _lines = [];

    private JsonLineMap() { }

    /// <summary>Maps <paramref name="utf8"/>, a document that has already parsed.</summary>
    public static JsonLineMap Of(byte[] utf8)
    {
        var map = new JsonLineMap();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        int line = 1, counted = 0, question = -1, choice = -1;
        bool inQuestions = false, inChoices = false;
        string? property = null;
        while (reader.Read())
        {
            var start = (int)reader.TokenStartIndex;
            line += CountNewlines(utf8, counted, start);
            counted = start;
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    if (reader.CurrentDepth == 3 && question >= 0) map._lines[(question, property!)] = line;
                    break;
                case JsonTokenType.StartArray when reader.CurrentDepth == 1 && property == "questions":
                    inQuestions = true;
                    break;
                case JsonTokenType.StartArray when reader.CurrentDepth == 3 && property == "choices":
                    inChoices = true;
                    choice = -1;
                    break;
                case JsonTokenType.EndArray when reader.CurrentDepth == 3:
                    inChoices = false;
                    break;
                case JsonTokenType.EndArray when reader.CurrentDepth == 1:
                    inQuestions = false;
                    break;
                case JsonTokenType.StartObject when inQuestions && reader.CurrentDepth == 2:
                    map._lines[(++question, "")] = line;
                    break;
                case JsonTokenType.StartObject when inChoices && reader.CurrentDepth == 4:
                    map._lines[(question, $"choices[{++choice}]")] = line;
                    break;
            }
        }
        return map;
    }

    /// <summary>The line of question <paramref name="question"/>'s <paramref name="member"/> (<c>""</c> for its opening brace, <c>choices[2]</c> for a choice), else of the question.</summary>
    public int Line(int question, string member = "") =>
        _lines.TryGetValue((question, member), out var line) ? line : _lines.GetValueOrDefault((question, ""), 1);

    private static int CountNewlines(byte[] utf8, int from, int to)
    {
        int n = 0;
        for (int i = from; i < to; i++) if (utf8[i] == (byte)'\n') n++;
        return n;
    }
}
