using Amazon.KeyManagementService;

namespace KmsLab.Tests;

/// <summary>Assertions on the errors the SDK client throws, as a learner's code would see them.</summary>
public static class KmsAssert
{
    /// <summary>Asserts the call fails with exactly the typed exception <typeparamref name="T"/>, and returns it.</summary>
    public static async Task<T> Throws<T>(Func<Task> call) where T : AmazonKeyManagementServiceException
    {
        var e = await Assert.ThrowsAsync<T>(call);
        Assert.False(string.IsNullOrEmpty(e.ErrorCode));
        return e;
    }

    /// <summary>Asserts the call fails with the given AWS error code (for codes the SDK has no class for, such as ValidationException).</summary>
    public static async Task<AmazonKeyManagementServiceException> Code(string errorCode, Func<Task> call, string? messageContains = null)
    {
        var e = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(call);
        Assert.Equal(errorCode, e.ErrorCode);
        if (messageContains is not null) Assert.Contains(messageContains, e.Message, StringComparison.Ordinal);
        return e;
    }

    public static Task<AmazonKeyManagementServiceException> Validation(Func<Task> call, string? messageContains = null) =>
        Code("ValidationException", call, messageContains);
}
