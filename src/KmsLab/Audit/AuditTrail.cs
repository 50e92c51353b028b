namespace KmsLab;

/// <summary>
/// The simulator's CloudTrail: every KMS call, allowed or denied, in order. Query it by key,
/// principal, operation or error, or export it as JSON lines (one CloudTrail record per line).
/// It keeps the most recent <see cref="Capacity"/> events.
/// </summary>
public sealed class AuditTrail
{
    private readonly Queue<AuditEvent> _events = new();
    private readonly Lock _sync = new();

    internal AuditTrail(int capacity) => Capacity = capacity;

    /// <summary>How many events are kept; older ones are dropped first.</summary>
    public int Capacity { get; }

    /// <summary>How many events were dropped because the trail was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>A snapshot of the events, oldest first.</summary>
    public IReadOnlyList<AuditEvent> Events
    {
        get { lock (_sync) return [.. _events]; }
    }

    internal void Record(AuditEvent e)
    {
        lock (_sync)
        {
            if (_events.Count >= Capacity)
            {
                _events.Dequeue();
                Dropped++;
            }
            _events.Enqueue(e);
        }
    }

    /// <summary>
    /// The events matching every filter given: a key (ID, ARN or any suffix of its ARN), a principal
    /// (ARN, or user/role name), an operation name, an error code (or <c>"*"</c> for any failure).
    /// </summary>
    public IReadOnlyList<AuditEvent> Query(string? key = null, string? principal = null, string? operation = null, string? errorCode = null) =>
        Events.Where(e =>
            (key is null || e.ResourceArns.Any(a => a.EndsWith(key, StringComparison.Ordinal)))
            && (principal is null || e.UserIdentity.Arn == principal || e.UserIdentity.UserName == principal || e.UserIdentity.Arn.EndsWith("/" + principal, StringComparison.Ordinal) || e.UserIdentity.Arn.Contains("/" + principal + "/", StringComparison.Ordinal))
            && (operation is null || e.EventName == operation)
            && (errorCode is null || (errorCode == "*" ? e.ErrorCode is not null : e.ErrorCode == errorCode)))
        .ToList();

    /// <summary>Writes the events as JSON lines, oldest first.</summary>
    public void ExportJsonLines(TextWriter writer)
    {
        foreach (var e in Events) writer.WriteLine(e.ToJson());
    }
}
