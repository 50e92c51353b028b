using System.Globalization;

namespace KmsLab.Simulation;

/// <summary>
/// Collects violations of the service model's constraints and reports them in AWS's words:
/// <c>1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must
/// have length less than or equal to 4096</c>. The SDK validates nothing on the client, so every
/// constraint of the model is enforced here.
/// </summary>
internal sealed class RequestValidator
{
    private List<string>? _errors;

    public static RequestValidator Start() => new();

    public RequestValidator Required(object? value, string member)
    {
        if (value is null)
        {
            Add($"Value null at '{member}' failed to satisfy constraint: Member must not be null");
        }
        return this;
    }

    public RequestValidator Length(string? value, string member, int min, int max)
    {
        // Messages are built only for a value that breaks the constraint: this runs on every request.
        if (value is not null && OutOfRange(value.Length, min, max)) AddLength($"Value '{value}' at '{member}'", value.Length, min, max);
        return this;
    }

    /// <summary>Sensitive members (plaintext) are not echoed, as in AWS's messages.</summary>
    public RequestValidator Length(byte[]? value, string member, int min, int max, bool sensitive = false)
    {
        if (value is not null && OutOfRange(value.Length, min, max))
        {
            AddLength(sensitive ? $"Value at '{member}'" : $"Value '{Convert.ToBase64String(value.AsSpan(0, Math.Min(value.Length, 32)))}' at '{member}'", value.Length, min, max);
        }
        return this;
    }

    public RequestValidator Count<T>(IReadOnlyCollection<T>? value, string member, int min, int max)
    {
        if (value is not null && OutOfRange(value.Count, min, max)) AddLength($"Value '[{string.Join(", ", value)}]' at '{member}'", value.Count, min, max);
        return this;
    }

    public RequestValidator Range(int? value, string member, int min, int max)
    {
        if (value is { } v)
        {
            if (v < min) Add($"Value '{v.ToString(CultureInfo.InvariantCulture)}' at '{member}' failed to satisfy constraint: Member must have value greater than or equal to {min}");
            else if (v > max) Add($"Value '{v.ToString(CultureInfo.InvariantCulture)}' at '{member}' failed to satisfy constraint: Member must have value less than or equal to {max}");
        }
        return this;
    }

    public RequestValidator Enum(string? value, string member, IReadOnlyList<string> allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }
        return this;
    }

    public RequestValidator Pattern(string? value, string member, string pattern, Func<string, bool> matches)
    {
        if (value is not null && !matches(value))
        {
            Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}");
        }
        return this;
    }

    public void ThrowIfInvalid()
    {
        if (_errors is null) return;
        string head = _errors.Count == 1 ? "1 validation error detected: " : $"{_errors.Count} validation errors detected: ";
        throw KmsException.Validation(head + string.Join("; ", _errors));
    }

    private static bool OutOfRange(int length, int min, int max) => length < min || length > max;

    private void AddLength(string valueAt, int length, int min, int max) =>
        Add(length < min
            ? $"{valueAt} failed to satisfy constraint: Member must have length greater than or equal to {min}"
            : $"{valueAt} failed to satisfy constraint: Member must have length less than or equal to {max}");

    private void Add(string error) => (_errors ??= []).Add(error);
}
