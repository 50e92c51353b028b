using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace KmsLab.Tests.Classroom;

/// <summary>
/// A kernel of a student's notebook server, driven as the notebook page drives it: the Jupyter
/// messaging protocol (v5.3) as JSON over the server's <c>/api/kernels/{id}/channels</c>
/// websocket, through the hub's proxy, authenticated with the student's hub token.
/// </summary>
internal sealed class KernelChannels : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly string _session = Guid.NewGuid().ToString("N");

    private KernelChannels(ClientWebSocket socket) => _socket = socket;

    /// <summary>Connects to kernel <paramref name="kernelId"/> at <paramref name="serverUrl"/> (the student's /user/NAME/ URL).</summary>
    public static async Task<KernelChannels> ConnectAsync(Uri serverUrl, string kernelId, string token, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "token " + token);
        var ws = new UriBuilder(new Uri(serverUrl, $"api/kernels/{kernelId}/channels")) { Scheme = serverUrl.Scheme == "https" ? "wss" : "ws" }.Uri;
        await socket.ConnectAsync(ws, cancellationToken);
        return new KernelChannels(socket);
    }

    /// <summary>
    /// Runs <paramref name="code"/> as a cell and returns what it displayed (each output's
    /// <c>text/plain</c>, or its HTML) and its error, if any, once the kernel is idle again.
    /// </summary>
    public async Task<CellRun> ExecuteAsync(string code, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var request = new JsonObject
        {
            ["header"] = new JsonObject { ["msg_id"] = id, ["username"] = "kmslab-test", ["session"] = _session, ["msg_type"] = "execute_request", ["version"] = "5.3", ["date"] = DateTimeOffset.UtcNow.ToString("o") },
            ["parent_header"] = new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["content"] = new JsonObject { ["code"] = code, ["silent"] = false, ["store_history"] = true, ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false, ["stop_on_error"] = true },
            ["channel"] = "shell",
            ["buffers"] = new JsonArray(),
        };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
        var outputs = new List<string>();
        string? error = null;
        bool replied = false, idle = false;
        while (!(replied && idle))
        {
            var message = await ReceiveAsync(cancellationToken);
            if (message["parent_header"]?["msg_id"]?.GetValue<string>() != id) continue;
            var type = message["header"]!["msg_type"]!.GetValue<string>();
            var content = message["content"]!;
            switch (type)
            {
                case "execute_reply":
                    replied = true;
                    break;
                case "status":
                    idle |= content["execution_state"]?.GetValue<string>() == "idle";
                    break;
                case "stream":
                    outputs.Add(content["text"]!.GetValue<string>());
                    break;
                case "execute_result" or "display_data":
                    var data = content["data"]!;
                    outputs.Add((data["text/plain"] ?? data["text/html"])?.GetValue<string>() ?? "");
                    break;
                case "error":
                    error = content["ename"] + ": " + content["evalue"];
                    break;
            }
        }
        return new CellRun(outputs, error);
    }

    private async Task<JsonNode> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"The kernel's channels closed: {result.CloseStatus} {result.CloseStatusDescription}");
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) break;
        }
        return JsonNode.Parse(message.ToArray())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); }
            catch (WebSocketException) { }
        }
        _socket.Dispose();
    }
}

/// <summary>What one cell displayed, and its error (null if none).</summary>
internal sealed record CellRun(IReadOnlyList<string> Outputs, string? Error)
{
    public string Text => string.Join("\n", Outputs);
}
