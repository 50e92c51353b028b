using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KmsLab.Tests.Serve;
using KmsLab.Xks;

namespace KmsLab.Tests.Xks;

/// <summary><c>kmslab xks-proxy</c> as separate processes: create-key on a state file, then the proxy on 127.0.0.1 over HTTP, stopped by SIGTERM.</summary>
public sealed partial class XksProxyProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-xks-proc-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [GeneratedRegex(@"URI path\s+(\S+)")] private static partial Regex UriPathLine();
    [GeneratedRegex(@"Access key ID\s+(\S+)")] private static partial Regex AccessKeyLine();
    [GeneratedRegex(@"Secret access key\s+(\S+)")] private static partial Regex SecretLine();

    private static async Task<(int Code, string Stdout, string Stderr)> RunCliAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "KmsLab.Cli.dll"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task A_key_created_on_the_command_line_encrypts_and_decrypts_through_the_proxy_process_on_loopback()
    {
        var statePath = Path.Combine(_folder, "xks.json");
        var created = await RunCliAsync("xks-proxy", "create-key", "--state", statePath, "--key-id", "demo-key", "--path-prefix", "/keystores/class1");
        Assert.True(created.Code == 0, created.Stderr);
        Assert.Contains("Created external key demo-key", created.Stdout);
        Assert.Equal(1, (await RunCliAsync("xks-proxy", "create-key", "--state", statePath, "--key-id", "demo-key")).Code);

        using var proxy = ServeProcess.StartCommand("xks-proxy", "--state", statePath);
        var endpoint = await proxy.WaitUntilListeningAsync();
        Assert.Equal("127.0.0.1", endpoint.Host);
        var uriPath = UriPathLine().Match(proxy.Stdout).Groups[1].Value;
        Assert.Equal("/keystores/class1/kms/xks/v1", uriPath);
        var credential = new XksCredential(AccessKeyLine().Match(proxy.Stdout).Groups[1].Value, SecretLine().Match(proxy.Stdout).Groups[1].Value);
        Assert.Null(credential.Problem());
        Assert.Contains("demo-key", proxy.Stdout);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        async Task<(int Status, JsonElement Body)> Post(string operation, string json, XksCredential signWith)
        {
            var path = $"{uriPath}/{operation}";
            var body = Encoding.UTF8.GetBytes(json);
            var amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
            request.Headers.TryAddWithoutValidation("Authorization", XksTestProxy.Sign(signWith, "us-east-1", XksProxy.ServiceName, "POST", path, endpoint.Authority, amzDate, body));
            using var response = await http.SendAsync(request);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        Assert.Equal(200, (await Post("health", XksTestProxy.HealthExample, credential)).Status);
        var encrypted = await Post("keys/demo-key/encrypt", XksTestProxy.EncryptExample, credential);
        Assert.Equal(200, encrypted.Status);
        var decrypted = await Post("keys/demo-key/decrypt", XksTestProxy.DecryptExample(encrypted.Body), credential);
        Assert.Equal("SGVsbG8gV29ybGQh", decrypted.Body.GetProperty("plaintext").GetString());
        var wrong = await Post("health", XksTestProxy.HealthExample, credential with { RawSecretAccessKey = XksTestProxy.Credential.RawSecretAccessKey });
        Assert.Equal(401, wrong.Status);
        Assert.Equal("AuthenticationFailedException", wrong.Body.GetProperty("errorName").GetString());

        proxy.Signal("TERM");
        Assert.Equal(0, await proxy.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Stopped.", proxy.Stdout);
        Assert.False(File.Exists(statePath + ".lock"));
        // The log shows each call with KMS's request ID, never the plaintext or the key material.
        Assert.Contains("Encrypt key=demo-key -> 200 kmsOperation=Encrypt kmsRequestId=4112f4d6-db54-4af4-ae30-c55a22a8dfae", proxy.Stdout);
        Assert.Contains("GetHealthStatus -> 401 AuthenticationFailedException", proxy.Stdout);
        Assert.DoesNotContain("SGVsbG8gV29ybGQh", proxy.Stdout);
        var saved = JsonDocument.Parse(File.ReadAllText(statePath)).RootElement;
        var material = saved.GetProperty("keys")[0].GetProperty("material").GetString()!;
        Assert.DoesNotContain(material, proxy.Stdout + proxy.Stderr);

        var listed = await RunCliAsync("xks-proxy", "list-keys", "--state", statePath);
        Assert.Equal(0, listed.Code);
        Assert.Contains("demo-key  AES_256  ENABLED", listed.Stdout);
        Assert.DoesNotContain(material, listed.Stdout);
    }
}
