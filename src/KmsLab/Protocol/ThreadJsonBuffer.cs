using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KmsLab.Protocol;

/// <summary>
/// Serializes to JSON through a buffer and writer kept per thread, so that the two documents each
/// call produces (its response, and its request for the audit trail) cost no writer and no
/// intermediate buffers. What is written is valid until the same buffer is used again on this thread.
/// </summary>
/// <remarks>
/// Hot-path cache. <b>Keeps:</b> per thread, one buffer for responses and another for audit copies (so
/// writing the audit copy never overwrites a response). <b>Lifetime:</b> the thread's; what
/// <see cref="Serialize"/> returns lives until the next Serialize on the same buffer on this thread.
/// <b>Rule for callers:</b> copy or consume the result before anything else can run a KMS call on this
/// thread — the adapter copies a response at once (<c>ToArray</c>), and the audit trail copies the audit
/// copy into its arena when the call is recorded. <b>Safe because</b> a call is handled synchronously on
/// one thread; a buffer is never shared between threads, and the adapter reads the audit event's time
/// before it writes the audit copy, so a clock source that itself calls KMS cannot overwrite it
/// (<c>HotPathBufferTests.A_request_nested_while_a_refused_request_is_audited...</c>).
/// </remarks>
internal sealed class ThreadJsonBuffer
{
    // Documents bigger than this are not worth keeping a buffer around for.
    private const int KeepCapacity = 64 * 1024;

    private ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    private ThreadJsonBuffer() => _writer = new Utf8JsonWriter(_buffer);

    [ThreadStatic] private static ThreadJsonBuffer? t_responses;
    [ThreadStatic] private static ThreadJsonBuffer? t_audit;

    /// <summary>The buffer for response bodies.</summary>
    public static ThreadJsonBuffer Responses => t_responses ??= new ThreadJsonBuffer();

    /// <summary>The buffer for audit copies of requests (read by the trail before the next call on this thread).</summary>
    public static ThreadJsonBuffer Audit => t_audit ??= new ThreadJsonBuffer();

    public ReadOnlyMemory<byte> Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        if (_buffer.Capacity > KeepCapacity) _buffer = new ArrayBufferWriter<byte>(1024);
        else _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, value, typeInfo);
        _writer.Flush();
        return _buffer.WrittenMemory;
    }
}
