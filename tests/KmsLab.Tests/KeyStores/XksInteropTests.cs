using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Serve;
using KmsLab.Hosting;
using KmsLab.Tests.Serve;
using KmsLab.Xks;

namespace KmsLab.Tests.KeyStores;

/// <summary>
/// The simulator's KMS side of the XKS Proxy API against KmsLab's own proxy (<see cref="XksProxy"/>,
/// written separately from the same specification): in process, and as two processes, <c>kmslab
/// serve</c> and <c>kmslab xks-proxy</c>, with the key's material only in the proxy.
/// </summary>
public sealed partial class XksInteropTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-xks-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Carries the simulator's HTTP requests to an in-process <see cref="XksProxy"/>, as Kestrel would.</summary>
    private sealed class InProcess(XksProxy proxy) : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content!.ReadAsByteArrayAsync(cancellationToken).GetAwaiter().GetResult();
            var headers = request.Headers.Concat(request.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var answer = proxy.Handle(new EndpointRequest(request.Method.Method, request.RequestUri!.AbsolutePath, name => headers.GetValueOrDefault(name), body, request.RequestUri.Query, request.RequestUri.Authority));
            return new HttpResponseMessage((HttpStatusCode)answer.StatusCode) { Content = new ByteArrayContent(answer.Body.ToArray()) };
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(Send(request, cancellationToken));
    }

    private static async Task<string> CreateStoreAsync(IAmazonKeyManagementService kms, string endpoint, string uriPath, XksCredential credential)
    {
        var id = (await kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
        {
            CustomKeyStoreName = "interop",
            CustomKeyStoreType = CustomKeyStoreType.EXTERNAL_KEY_STORE,
            XksProxyConnectivity = XksProxyConnectivityType.PUBLIC_ENDPOINT,
            XksProxyUriEndpoint = endpoint,
            XksProxyUriPath = uriPath,
            XksProxyAuthenticationCredential = new XksProxyAuthenticationCredentialType { AccessKeyId = credential.AccessKeyId, RawSecretAccessKey = credential.RawSecretAccessKey },
        })).CustomKeyStoreId;
        await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id });
        var state = (await kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id })).CustomKeyStores.Single();
        Assert.True(state.ConnectionState == ConnectionStateType.CONNECTED, $"{state.ConnectionState} {state.ConnectionErrorCode}");
        return id;
    }

    [Fact]
    public async Task The_simulator_and_KmsLabs_proxy_speak_the_same_XKS_Proxy_API()
    {
        var keys = new XksKeyManager();
        keys.CreateKey("lab-key");
        var credential = XksCredential.Generate(System.Security.Cryptography.RandomNumberGenerator.Create());
        var proxy = new XksProxy(keys, credential, "/interop");
        var lab = Lab.Simulator(new LabOptions { XksProxyHandler = new InProcess(proxy) });
        var kms = lab.CreateKmsClient();
        var store = await CreateStoreAsync(kms, string.Concat("http://", "localhost:7443"), proxy.UriPath, credential);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = store, XksKeyId = "lab-key" })).KeyMetadata;

        var context = new Dictionary<string, string> { ["tenant"] = "a" };
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("both sides")), EncryptionContext = context })).CiphertextBlob;
        var plaintext = (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()), EncryptionContext = context })).Plaintext;
        Assert.Equal("both sides", Encoding.UTF8.GetString(plaintext.ToArray()));
        var dataKey = await kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
        Assert.Equal(32, (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob })).Plaintext.Length);

        // Disabled in the external key manager: KMS's own key stays Enabled, yet cannot be used.
        keys.SetStatus("lab-key", XksKeyStatus.Disabled);
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()), EncryptionContext = context }));
        Assert.Equal(KeyState.Enabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
        await Assert.ThrowsAsync<XksKeyNotFoundException>(() => kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = store, XksKeyId = "not-in-the-proxy" }));
    }

    [Fact]
    public async Task Serve_and_xks_proxy_as_processes_a_key_whose_material_lives_only_in_the_proxy()
    {
        var proxyState = Path.Combine(_folder, "proxy.json");
        Assert.Equal(0, await RunAsync("xks-proxy", "create-key", "--state", proxyState, "--key-id", "payroll-key"));
        var proxy = ServeProcess.StartCommand("xks-proxy", "--state", proxyState);
        using var serve = ServeProcess.Start();
        try
        {
            var proxyEndpoint = await proxy.WaitUntilListeningAsync();
            var kms = EndpointClients.Create(await serve.WaitUntilListeningAsync(), Lab.Simulator().GetCredentials(Lab.AdministratorName));
            var banner = proxy.Stdout;
            var credential = new XksCredential(Banner(banner, "Access key ID"), Banner(banner, "Secret access key"));
            var store = await CreateStoreAsync(kms, proxyEndpoint.GetLeftPart(UriPartial.Authority), Banner(banner, "URI path"), credential);
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = store, XksKeyId = "payroll-key" })).KeyMetadata;
            var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("salaries")) })).CiphertextBlob.ToArray();
            Assert.Equal("salaries", Encoding.UTF8.GetString((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext.ToArray()));

            // The proxy stops: Decrypt fails as KMS fails when its proxy is gone.
            proxy.Signal("TERM");
            Assert.Equal(0, await proxy.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            var down = await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
            Assert.StartsWith("AWS KMS cannot communicate with the external key store proxy.", down.Message, StringComparison.Ordinal);

            // Started again on the same port from its state file: the same key decrypts again.
            proxy.Dispose();
            proxy = ServeProcess.StartCommandOn("xks-proxy", proxyEndpoint.Port, "--state", proxyState);
            await proxy.WaitUntilListeningAsync();
            Assert.Equal("salaries", Encoding.UTF8.GetString((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext.ToArray()));
            Assert.DoesNotContain("salaries", proxy.Stdout + proxy.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            proxy.Dispose();
        }
    }

    private static string Banner(string banner, string label) => Regex.Match(banner, $@"^\s*{Regex.Escape(label)}\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;

    private static async Task<int> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "KmsLab.Cli.dll"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }
}
