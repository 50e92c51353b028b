using System.Net;
using System.Net.Http.Headers;

namespace KmsLab.Protocol;

/// <summary>
/// Carries the SDK's real HTTP requests to the protocol adapter in process: no socket, no network.
/// The SDK client reaches it through <c>ClientConfig.HttpClientFactory</c>.
/// </summary>
internal sealed class KmsHttpMessageHandler(KmsProtocolAdapter adapter) : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue JsonContentType = new(KmsWireResponse.ContentType);

    /// <summary>The simulated VPC endpoint this handler's requests come through (<see cref="Hosting.SimulatorEndpoint.VpcEndpointId"/>), or null.</summary>
    public string? VpcEndpointId { get; init; }

    /// <summary>The AWS service principal this handler's requests come from (a client of <c>Lab.CreateServicePrincipalKmsClient</c>), or null for signed IAM callers.</summary>
    public Simulation.Identity.ServiceCaller? Service { get; init; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The SDK's content is already in memory: read it synchronously, without HttpContent's
        // buffering machinery. Any other content is read the general way.
        if (request.Content is null or ReadOnlyMemoryContent or ByteArrayContent)
            return Task.FromResult(Send(request, cancellationToken));
        return SendBufferedAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendBufferedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Handle(request, body);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = [];
        if (request.Content is { } content)
        {
            // In-memory content (re-readable) is copied into this thread's body buffer, which is free
            // again once the adapter has answered; anything else, or content longer than it declares,
            // is read the general way.
            if (content is ReadOnlyMemoryContent or ByteArrayContent
                && content.Headers.ContentLength is long length && length <= KmsProtocolAdapter.MaxBodyBytes)
            {
                var buffer = BodyBuffer.Take((int)length);
                try
                {
                    if (buffer.TryFill(content, (int)length, cancellationToken)) return Handle(request, buffer.Bytes.AsMemory(0, (int)length));
                }
                finally
                {
                    buffer.Release();
                }
            }
            using var stream = new MemoryStream();
            content.CopyTo(stream, null, cancellationToken);
            body = stream.ToArray();
        }
        return Handle(request, body);
    }

    /// <summary>A fixed-size buffer for request bodies, kept per thread for the next request.</summary>
    /// <remarks>
    /// Hot-path cache. <b>Keeps:</b> one spare buffer per thread (<c>t_spare</c>), up to 64 KiB.
    /// <b>Lifetime:</b> the thread's; a request owns it from <see cref="Take"/> to <see cref="Release"/>.
    /// <b>Invalidation:</b> <see cref="Take"/> removes it from the thread, so a request nested in this
    /// one (a clock source that calls KMS) gets a buffer of its own; <see cref="Release"/> wipes what the
    /// request wrote (it may be plaintext) before keeping it. <b>Safe because</b> everything from Take to
    /// Release runs synchronously on one thread, and nothing keeps the body past the adapter's answer
    /// (the request is deserialized into objects of its own; the audit copy is written from those).
    /// Tests: <c>HotPathBufferTests</c> (concurrent calls, the wiped spare, a nested request).
    /// </remarks>
    private sealed class BodyBuffer
    {
        private const int KeptBytes = 64 * 1024;
        [ThreadStatic] private static BodyBuffer? t_spare;

        private readonly MemoryStream _stream;

        private BodyBuffer(int size)
        {
            Bytes = new byte[size];
            _stream = new MemoryStream(Bytes, writable: true);
        }

        public byte[] Bytes { get; }

        /// <summary>This thread's spare buffer if it is big enough, else a new one; taken, so no nested request can share it.</summary>
        public static BodyBuffer Take(int length)
        {
            var buffer = t_spare is { } spare && spare.Bytes.Length >= length ? spare : new BodyBuffer(Math.Max(length, 4096));
            if (ReferenceEquals(buffer, t_spare)) t_spare = null;
            return buffer;
        }

        /// <summary>Copies the content in; false if it is not exactly <paramref name="length"/> bytes long.</summary>
        public bool TryFill(HttpContent content, int length, CancellationToken cancellationToken)
        {
            _stream.Position = 0;
            try
            {
                content.CopyTo(_stream, null, cancellationToken);
                return _stream.Position == length;
            }
            catch (NotSupportedException)
            {
                return false; // longer than the buffer: the fixed-size stream cannot grow
            }
        }

        /// <summary>Wipes what the request left (it may carry plaintext) and keeps the buffer for the thread's next request.</summary>
        public void Release()
        {
            Array.Clear(Bytes, 0, (int)Math.Min(_stream.Position, Bytes.Length));
            if (Bytes.Length <= KeptBytes) t_spare = this;
        }
    }

    private HttpResponseMessage Handle(HttpRequestMessage request, ReadOnlyMemory<byte> body)
    {
        var uri = request.RequestUri;
        var headers = HeaderSnapshot.Take(request);
        KmsWireResponse wire;
        string? target = null;
        try
        {
            if (adapter.InProcessState is not null) target = headers.Get("X-Amz-Target");
            // The authority stands in for a Host header only where there is none (the SDK sends one).
            var host = uri is null || headers.Get("Host") is not null ? null : uri.IsDefaultPort ? uri.Host : uri.Authority;
            wire = adapter.Handle(new KmsWireRequest(request.Method.Method, uri?.AbsolutePath ?? "/", headers.Lookup, body, uri?.Query, host, SourceVpce: VpcEndpointId, Service: Service));
        }
        finally
        {
            headers.Release();
        }
        // A lab kept in a state file (LabOptions.StateFile): the change is committed before the call returns.
        if (adapter.InProcessState is { } state && state.MustCommitAfter(target))
        {
            try
            {
                state.Commit();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                // As kmslab serve answers: the change is in memory but may not survive, so it is no success.
                wire = adapter.InternalError($"The simulator could not save its state to its state file ({e.Message}); the change may not survive a restart.");
            }
        }
        var content = new ByteArrayContent(wire.Body);
        content.Headers.ContentType = wire.MediaType == KmsWireResponse.ContentType ? JsonContentType : new MediaTypeHeaderValue(wire.MediaType);
        var response = new HttpResponseMessage((HttpStatusCode)wire.StatusCode) { Content = content, RequestMessage = request };
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", wire.RequestId);
        return response;
    }
}
