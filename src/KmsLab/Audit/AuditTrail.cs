using KmsLab.Simulation.Operations;

namespace KmsLab.Audit;

/// <summary>
/// The simulator's CloudTrail: every KMS call, allowed or denied, in order. Query it by key,
/// principal, operation or error, or export it as JSON lines (one CloudTrail record per line).
/// It keeps the most recent <see cref="Capacity"/> events.
/// </summary>
public sealed class AuditTrail
{
    // Events are kept in a ring of structs whose request and response JSON live in one ring of
    // bytes. Every call of every lab is recorded, and this layout keeps no object per event alive
    // for the garbage collector to trace and promote; AuditEvent objects are made when read.
    // The arena. Keeps: each event's JSON at an absolute position (_arenaWritten counts every byte
    // ever written, wrap-arounds included). Lifetime: a blob's bytes live until the arena has wrapped
    // over them, which can happen while the event is still in the ring. Invalidation: a blob at
    // Position is intact while Position >= _arenaWritten - _arena.Length; after that Load answers null
    // (an event without parameters), never the newer bytes; a blob is never split across the end
    // (the rest of the lap is skipped), and one over an eighth of the arena gets an array of its own.
    // Safe because writes and reads hold _sync. Tests: AuditArenaTests.
    private readonly Entry[] _ring;
    private readonly byte[] _arena;
    private readonly Lock _sync = new();
    private long _recorded;
    private long _arenaWritten;

    internal AuditTrail(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _ring = new Entry[capacity];
        _arena = new byte[Math.Clamp((long)capacity * 512, 64 * 1024, 64 * 1024 * 1024)];
    }

    /// <summary>How many events are kept; older ones are dropped first.</summary>
    public int Capacity { get; }

    /// <summary>How many events were dropped because the trail was full.</summary>
    public long Dropped
    {
        get { lock (_sync) return Math.Max(0, _recorded - Capacity); }
    }

    /// <summary>A snapshot of the events, oldest first.</summary>
    public IReadOnlyList<AuditEvent> Events
    {
        get
        {
            lock (_sync)
            {
                long first = Math.Max(0, _recorded - Capacity);
                var events = new List<AuditEvent>((int)(_recorded - first));
                for (long i = first; i < _recorded; i++) events.Add(Materialize(in _ring[i % Capacity]));
                return events;
            }
        }
    }

    /// <summary>One recorded call. Strings held here are shared (names, ARNs, the principal, the User-Agent), not made per call.</summary>
    private struct Entry
    {
        public DateTimeOffset Time;
        public KmsOperation Operation;
        public string Region;
        public AuditIdentity Identity;
        public string? ViaService;
        public string SourceIp;
        public string? ErrorCode;
        public string? ErrorMessage;
        public string? Resource1;
        public string? Resource2;
        public string[]? MoreResources;
        public Guid RequestId;
        public Guid EventId;
        public string RecipientAccountId;
        public Blob Request;
        public Blob Response;
        public string? UserAgent;
        public string? KeyMaterialId;
        public string? SourceKeyMaterialId;
        public Guid? SharedEventId;
    }

    /// <summary>Where some bytes of an event live: in the arena at an absolute position, or (if large) in their own array.</summary>
    private readonly record struct Blob(long Position, int Length, byte[]? Own);

    internal void Record(in AuditRecord record)
    {
        lock (_sync)
        {
            ref var e = ref _ring[_recorded % Capacity];
            e.Time = record.Time;
            e.Operation = record.Operation;
            e.Region = record.Region;
            e.Identity = record.Identity;
            e.ViaService = record.ViaService;
            e.SourceIp = record.SourceIp;
            e.ErrorCode = record.ErrorCode;
            e.ErrorMessage = record.ErrorMessage;
            var resources = record.Resources;
            e.Resource1 = resources.Count > 0 ? resources[0] : null;
            e.Resource2 = resources.Count > 1 ? resources[1] : null;
            e.MoreResources = resources.Count > 2 ? [.. resources.Skip(2)] : null;
            e.RequestId = record.RequestId;
            e.EventId = record.EventId;
            e.RecipientAccountId = record.RecipientAccountId;
            e.Request = Store(record.Request);
            e.Response = Store(record.Response);
            e.UserAgent = Shared(record.UserAgent);
            e.KeyMaterialId = record.KeyMaterialId;
            e.SourceKeyMaterialId = record.SourceKeyMaterialId;
            e.SharedEventId = record.SharedEventId;
            _recorded++;
        }
    }

    /// <summary>How much of a User-Agent header an event keeps.</summary>
    private const int MaxUserAgentLength = 170;

    // The User-Agent most recently recorded. A client sends the same one call after call, so
    // events share that one string rather than each keeping a copy. It is reused only when its text
    // equals the new one, so it needs no invalidation; written under _sync.
    private string? _userAgent;

    private string? Shared(string? userAgent)
    {
        if (userAgent is null) return null;
        var kept = userAgent.AsSpan(0, Math.Min(userAgent.Length, MaxUserAgentLength));
        if (_userAgent is { } last && kept.SequenceEqual(last)) return last;
        return _userAgent = kept.Length == userAgent.Length ? userAgent : kept.ToString();
    }

    private Blob Store(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return default;
        if (bytes.Length > _arena.Length / 8) return new Blob(0, bytes.Length, bytes.ToArray());
        long offset = _arenaWritten % _arena.Length;
        if (offset + bytes.Length > _arena.Length) _arenaWritten += _arena.Length - offset; // never split a blob across the end
        offset = _arenaWritten % _arena.Length;
        bytes.CopyTo(_arena.AsSpan((int)offset));
        var blob = new Blob(_arenaWritten, bytes.Length, null);
        _arenaWritten += bytes.Length;
        return blob;
    }

    /// <summary>The bytes of a blob, or null if newer events have overwritten them (the arena is a ring too).</summary>
    private byte[]? Load(Blob blob)
    {
        if (blob.Own is not null) return blob.Own.ToArray();
        if (blob.Length == 0 || blob.Position < _arenaWritten - _arena.Length) return null;
        return _arena.AsSpan((int)(blob.Position % _arena.Length), blob.Length).ToArray();
    }

    private AuditEvent Materialize(in Entry e)
    {
        var identity = e.ViaService is null ? e.Identity : e.Identity with { InvokedBy = ServicePrincipal(e.ViaService) };
        string?[] resources = [e.Resource1, e.Resource2, .. e.MoreResources ?? []];
        return new AuditEvent(e.Operation, Load(e.Request), Load(e.Response), e.EventId)
        {
            EventTime = e.Time,
            AwsRegion = e.Region,
            UserIdentity = identity,
            SourceIpAddress = ServicePrincipal(e.ViaService) ?? e.SourceIp,
            UserAgent = ServicePrincipal(e.ViaService) ?? e.UserAgent,
            ErrorCode = e.ErrorCode,
            ErrorMessage = e.ErrorMessage,
            ResourceArns = resources.OfType<string>().ToList(),
            RequestId = e.RequestId.ToString("D"),
            RecipientAccountId = e.RecipientAccountId,
            KeyMaterialId = e.KeyMaterialId,
            SourceKeyMaterialId = e.SourceKeyMaterialId,
            SharedEventId = e.SharedEventId?.ToString("D"),
        };
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

    /// <summary>How many events were ever recorded (the index the next one gets).</summary>
    internal long Recorded
    {
        get { lock (_sync) return _recorded; }
    }

    /// <summary>
    /// The events recorded from index <paramref name="from"/> on that the ring still holds, oldest
    /// first, and the index after the last (a store that keeps the trail asks again from there).
    /// </summary>
    internal (List<AuditEvent> Events, long Next) EventsFrom(long from)
    {
        lock (_sync)
        {
            long first = Math.Max(Math.Max(0, from), _recorded - Capacity);
            var events = new List<AuditEvent>((int)Math.Max(0, _recorded - first));
            for (long i = first; i < _recorded; i++) events.Add(Materialize(in _ring[i % Capacity]));
            return (events, _recorded);
        }
    }

    /// <summary>Writes the events as JSON lines, oldest first.</summary>
    public void ExportJsonLines(TextWriter writer)
    {
        foreach (var e in Events) writer.WriteLine(e.ToJson());
    }

    /// <summary>
    /// CloudTrail names a service that called for a principal by its service principal
    /// (<c>invokedBy</c>, source, user agent): <c>kms:ViaService</c> <c>s3.us-east-1.amazonaws.com</c> → <c>s3.amazonaws.com</c>.
    /// </summary>
    private static string? ServicePrincipal(string? viaService)
    {
        if (viaService is null) return null;
        var parts = viaService.Split('.');
        return parts.Length == 4 && parts[2] == "amazonaws" ? $"{parts[0]}.{parts[2]}.{parts[3]}" : viaService;
    }
}
