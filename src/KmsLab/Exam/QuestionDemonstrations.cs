using System.Reflection;

namespace KmsLab.Exam;

/// <summary>
/// The demonstrations of the bank: for each proven question, a method (marked
/// <see cref="ProvesAttribute"/>) that makes its right answer happen on a fresh simulator.
/// </summary>
public static class QuestionDemonstrations
{
    private static readonly Lazy<IReadOnlyDictionary<string, MethodInfo>> Methods = new(Discover);

    /// <summary>The ids of the questions that have a demonstration, in order.</summary>
    public static IReadOnlyList<string> QuestionIds => Methods.Value.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>True if question <paramref name="questionId"/> has a demonstration.</summary>
    public static bool Has(string questionId) => Methods.Value.ContainsKey(questionId);

    /// <summary>The demonstrating method's name, for messages (<c>EnvelopeEncryptionDemonstrations.EncryptRefusesMoreThan4KB</c>).</summary>
    public static string NameOf(string questionId) => Method(questionId) is var m ? $"{m.DeclaringType!.Name}.{m.Name}" : "";

    /// <summary>Runs question <paramref name="questionId"/>'s demonstration on a fresh simulator and returns what it showed.</summary>
    /// <exception cref="DemonstrationFailedException">The simulator did not do what the answer says.</exception>
    /// <exception cref="KeyNotFoundException">The question has no demonstration.</exception>
    public static async Task<string> RunAsync(string questionId)
    {
        var method = Method(questionId);
        using var lab = Lab.Simulator();
        try
        {
            return await (Task<string>)method.Invoke(null, [lab])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static MethodInfo Method(string questionId) =>
        Methods.Value.TryGetValue(questionId, out var m) ? m : throw new KeyNotFoundException($"Question '{questionId}' has no demonstration.");

    private static IReadOnlyDictionary<string, MethodInfo> Discover()
    {
        var found = new Dictionary<string, MethodInfo>(StringComparer.Ordinal);
        foreach (var type in typeof(QuestionDemonstrations).Assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (method.GetCustomAttribute<ProvesAttribute>() is not { } proves) continue;
                var parameters = method.GetParameters();
                if (method.ReturnType != typeof(Task<string>) || parameters.Length != 1 || parameters[0].ParameterType != typeof(Lab))
                    throw new InvalidOperationException($"{type.Name}.{method.Name} proves {proves.QuestionId} but is not 'static Task<string> {method.Name}(Lab lab)'.");
                if (!found.TryAdd(proves.QuestionId, method))
                    throw new InvalidOperationException($"Question {proves.QuestionId} is proven twice: {found[proves.QuestionId].Name} and {method.Name}.");
            }
        }
        return found;
    }
}
