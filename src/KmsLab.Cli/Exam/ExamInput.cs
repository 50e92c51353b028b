namespace KmsLab.Cli.Exam;

/// <summary>
/// The candidate's keyboard, a line at a time, with a deadline: a mock exam ends when its time is
/// up even while the candidate is still typing, and a line sent after the bell is not applied.
/// </summary>
internal sealed class ExamInput(TextReader reader, TimeProvider time)
{
    private Task<string?>? _pending;

    /// <summary>The next line (null at the end of input), or <c>TimedOut</c> if <paramref name="deadline"/> passed first.</summary>
    public async Task<(bool TimedOut, string? Line)> ReadAsync(DateTimeOffset? deadline)
    {
        // A thread of its own: Console.In's ReadLineAsync blocks the caller, and the clock must be able to interrupt it.
        _pending ??= Task.Run(reader.ReadLine);
        if (deadline is { } d)
        {
            var remaining = d - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero) return (true, null);
            using var stop = new CancellationTokenSource();
            var bell = Task.Delay(remaining, time, stop.Token);
            if (await Task.WhenAny(_pending, bell) != _pending) return (true, null);
            await stop.CancelAsync();
        }
        var line = await _pending;
        _pending = null;
        if (deadline is { } end && time.GetUtcNow() >= end) return (true, null);
        return (false, line);
    }
}
