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

    /// <summary>Runs <paramref name="call"/>, which must fail with KMS's error <paramref name="errorCode"/>, and returns the exception.</summary>
    public static async Task<Amazon.KeyManagementService.AmazonKeyManagementServiceException> FailsWithAsync(string errorCode, Func<Task> call)
    {
        var e = await ThrowsAsync<Amazon.KeyManagementService.AmazonKeyManagementServiceException>(call);
        That(e.ErrorCode == errorCode, $"the call fails with {errorCode} (it failed with {e.ErrorCode}: {e.Message})");
        return e;
    }

    /// <summary><paramref name="text"/> as UTF-8, for a request's Plaintext.</summary>
    public static MemoryStream Bytes(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>A response's plaintext as UTF-8 text.</summary>
    public static string Text(MemoryStream plaintext) => System.Text.Encoding.UTF8.GetString(plaintext.ToArray());
}
