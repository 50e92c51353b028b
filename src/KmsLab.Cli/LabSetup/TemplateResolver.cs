using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KmsLab.Cli.LabSetup;

/// <summary>
/// Evaluates the CloudFormation intrinsics the classroom template uses (<c>Ref</c>, <c>Fn::Sub</c>
/// in both forms, <c>Fn::Join</c>, <c>Fn::GetAtt</c>) for a given account, Region and parameter
/// values, as CloudFormation would, so that the policies can be loaded into the simulator.
/// </summary>
internal sealed partial class TemplateResolver
{
    private readonly Dictionary<string, string> _values;

    /// <param name="template">The parsed template.</param>
    /// <param name="accountId">The account that <c>AWS::AccountId</c> stands for.</param>
    /// <param name="region">The Region that <c>AWS::Region</c> stands for.</param>
    /// <param name="parameters">Parameter values; parameters not given take their defaults.</param>
    public TemplateResolver(JsonObject template, string accountId, string region, IReadOnlyDictionary<string, string>? parameters = null)
    {
        _values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS::AccountId"] = accountId,
            ["AWS::Region"] = region,
            ["AWS::Partition"] = "aws",
            ["AWS::StackName"] = "kmslab-class",
            ["AWS::URLSuffix"] = "amazonaws.com",
        };
        foreach (var (name, spec) in template["Parameters"]?.AsObject() ?? [])
        {
            if (parameters is not null && parameters.TryGetValue(name, out var given)) _values[name] = given;
            else if (spec?["Default"] is { } d) _values[name] = Scalar(d);
        }
        // Ref of an IAM user is its name; of anything else, a recognisable placeholder.
        foreach (var (logical, resource) in template["Resources"]?.AsObject() ?? [])
        {
            _values[logical] = resource?["Type"]?.GetValue<string>() == "AWS::IAM::User" && resource["Properties"]?["UserName"] is { } userName
                ? Scalar(Resolve(userName)!)
                : $"<{logical}>";
        }
    }

    /// <summary>A copy of <paramref name="node"/> with every intrinsic function evaluated.</summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o when o.Count == 1 && o.First() is var (fn, arg) && (fn == "Ref" || fn.StartsWith("Fn::", StringComparison.Ordinal)):
                return JsonValue.Create(Evaluate(fn, arg));
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (name, child) in o) copy[name] = Resolve(child);
                return copy;
            case JsonArray a:
                var array = new JsonArray();
                foreach (var item in a) array.Add(Resolve(item));
                return array;
            default:
                return node.DeepClone();
        }
    }

    private string Evaluate(string fn, JsonNode? arg)
    {
        switch (fn)
        {
            case "Ref":
                var name = arg!.GetValue<string>();
                return _values.TryGetValue(name, out var v) ? v : throw new InvalidDataException($"Ref to unknown '{name}'.");
            case "Fn::Sub" when arg is JsonValue:
                return Substitute(arg.GetValue<string>(), null);
            case "Fn::Sub" when arg is JsonArray { Count: 2 } pair:
                var local = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (k, value) in pair[1]!.AsObject()) local[k] = Scalar(Resolve(value)!);
                return Substitute(pair[0]!.GetValue<string>(), local);
            case "Fn::Join" when arg is JsonArray { Count: 2 } join:
                return string.Join(join[0]!.GetValue<string>(), join[1]!.AsArray().Select(p => Scalar(Resolve(p)!)));
            case "Fn::GetAtt" when arg is JsonArray { Count: 2 } att:
                return $"<{att[0]!.GetValue<string>()}.{att[1]!.GetValue<string>()}>";
            default:
                throw new InvalidDataException($"Unsupported intrinsic {fn}.");
        }
    }

    private string Substitute(string text, Dictionary<string, string>? local) =>
        SubVariable().Replace(text, m =>
        {
            if (m.Value.StartsWith("${!", StringComparison.Ordinal)) return "${" + m.Value[3..];
            var name = m.Groups[1].Value;
            if (local is not null && local.TryGetValue(name, out var l)) return l;
            return _values.TryGetValue(name, out var v) ? v : throw new InvalidDataException($"Fn::Sub names unknown '{name}'.");
        });

    private static string Scalar(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : Convert.ToString(node.ToJsonString().Trim('"'), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\$\{!?([A-Za-z0-9:._-]+)\}")]
    private static partial Regex SubVariable();
}
