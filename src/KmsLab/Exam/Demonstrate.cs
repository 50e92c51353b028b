namespace KmsLab.Exam;

/// <summary>What a demonstration expects of the simulator; each failure says what the answer claims and what happened instead.</summary>
internal static class Demonstrate
{
    /// <summary>Fails the demonstration unless <paramref name="condition"/> holds.</summary>
    /// <param name="condition">What the answer says happens.</param>
    /// <param name="expectation">That claim in words, for the failure message.</param>
    public static void That(bool condition, string expectation)
    {
        if (!condition) throw new DemonstrationFailedException($"Expected: {expectation}.");
    }

    /// <summary>Runs <paramref name="call"/> and returns the <typeparamref name="TException"/> it must throw; anything else fails the demonstration.</summary>
    public static async Task<TException> ThrowsAsync<TException>(Func<Task> call) where TException : Exception
    {
        try
        {
            await call();
        }
        catch (TException expected)
        {
            return expected;
        }
        catch (Exception other)
        {
            throw new DemonstrationFailedException($"Expected {typeof(TException).Name}, but the call threw {other.GetType().Name}: {other.Message}", other);
        }
        throw new DemonstrationFailedException($"Expected {typeof(TException).Name}, but the call succeeded.");
    }
}
