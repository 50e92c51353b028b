using System.Net;
using System.Net.Sockets;
using KmsLab.Protocol;

namespace KmsLab.Tests.RealAws;

/// <summary>
/// A simulator served over HTTP on 127.0.0.1 (a minimal stand-in for <c>kmslab serve</c>, on the
/// same protocol adapter): clients reach it only through a URL, as they would reach AWS.
/// </summary>
internal sealed class LoopbackKms : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lab _lab;
    private readonly Task _loop;

    public LoopbackKms(Lab lab)
    {
        _lab = lab;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var request = context.Request;
            var wire = _lab.Adapter.Handle(new KmsWireRequest(request.HttpMethod, request.Url!.AbsolutePath, name => request.Headers[name], body.ToArray(), request.Url.Query, request.Headers["Host"]));
            Interlocked.Increment(ref _requests);
            context.Response.StatusCode = wire.StatusCode;
            context.Response.ContentType = KmsWireResponse.ContentType;
            context.Response.AddHeader("x-amzn-RequestId", wire.RequestId);
            await context.Response.OutputStream.WriteAsync(wire.Body);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
