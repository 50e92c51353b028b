using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;
using KmsLab.Cli.Serve;
using KmsLab.Xks;

namespace KmsLab.Cli;

/// <summary>
/// The external key store demo ("hold your own key"), on the simulator, through the official SDK
/// client: a real XKS proxy on loopback (the one <c>kmslab xks-proxy</c> runs), an external key
/// store connected to it, a KMS key whose second key lives only in the proxy, and what happens to
/// that key when the proxy stops, comes back, and disables its key.
/// </summary>
internal static class DemoExternalKeyStore
{
    private const string ExternalKeyId = "demo-external-key";

    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var lab = Lab.Simulator();
        var kms = lab.CreateKmsClient();
        int step = 0;
        void Step(string title) => output.WriteLine($"{Environment.NewLine}== {++step}. {title}");
        void Show(string label, object? value) => output.WriteLine($"   {label,-26} {value}");
        void Note(string text) => output.WriteLine($"   {text}");
        static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));
        async Task<CustomKeyStoresListEntry> Store(string id) =>
            (await kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id }, cancellationToken)).CustomKeyStores.Single();

        output.WriteLine($"KmsLab external key store demo — simulated AWS account {lab.AccountId}, Region {lab.DefaultRegion.SystemName}, an XKS proxy on this machine.");

        Step("Start an external key store proxy (XKS Proxy API v1) with one AES-256 key in its key manager");
        var keys = new XksKeyManager();
        keys.CreateKey(ExternalKeyId);
        var proxy = new XksProxy(keys, XksCredential.Generate(RandomNumberGenerator.Create()), "/demo");
        var proxyLog = new StringWriter();
        proxy.Log = proxyLog;
        XksProxyServer? server = await XksProxyServer.StartAsync(proxy, IPAddress.Loopback, 0, proxyLog, cancellationToken);
        var endpoint = server.Endpoint.GetLeftPart(UriPartial.Authority);
        var port = server.Endpoint.Port;
        try
        {
            Show("Proxy endpoint", $"{endpoint}   (real KMS: https:// on port 443, reachable from AWS)");
            Show("URI path", proxy.UriPath);
            Show("External key", $"{ExternalKeyId}   (its material never leaves the proxy)");
            Show("Proxy credential", $"{proxy.Credential.AccessKeyId} + a secret: KMS signs every request with it (SigV4, service kms-xks-proxy)");

            Step("Create an external key store (CreateCustomKeyStore): KMS checks the proxy first");
            var storeId = (await kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
            {
                CustomKeyStoreName = "on-premises-hsm",
                CustomKeyStoreType = CustomKeyStoreType.EXTERNAL_KEY_STORE,
                XksProxyConnectivity = XksProxyConnectivityType.PUBLIC_ENDPOINT,
                XksProxyUriEndpoint = endpoint,
                XksProxyUriPath = proxy.UriPath,
                XksProxyAuthenticationCredential = new XksProxyAuthenticationCredentialType { AccessKeyId = proxy.Credential.AccessKeyId, RawSecretAccessKey = proxy.Credential.RawSecretAccessKey },
            }, cancellationToken)).CustomKeyStoreId;
            Show("CustomKeyStoreId", storeId);
            Show("ConnectionState", (await Store(storeId)).ConnectionState);

            Step("Connect it (ConnectCustomKeyStore), then look (DescribeCustomKeyStores)");
            await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = storeId }, cancellationToken);
            Show("ConnectionState", (await Store(storeId)).ConnectionState);

            Step("Create a KMS key in the store, backed by the external key (Origin EXTERNAL_KEY_STORE)");
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL_KEY_STORE, CustomKeyStoreId = storeId, XksKeyId = ExternalKeyId, Description = "payroll, key held outside AWS" }, cancellationToken)).KeyMetadata;
            Show("Key ID", key.KeyId);
            Show("Origin", key.Origin);
            Show("XksKeyConfiguration.Id", key.XksKeyConfiguration.Id);

            Step("Encrypt: KMS encrypts with the KMS key's own material, then asks the proxy to encrypt again");
            var context = new Dictionary<string, string> { ["department"] = "payroll" };
            var secret = "December salaries: approved";
            proxyLog.GetStringBuilder().Clear();
            var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes(secret), EncryptionContext = context }, cancellationToken)).CiphertextBlob.ToArray();
            Show("Ciphertext", $"{blob.Length} bytes (double encryption: neither key alone can read it)");
            foreach (var line in proxyLog.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) Show("The proxy logged", line);
            Note("KMS sent the proxy ciphertext it had already made with its own material, never the plaintext.");

            Step("Decrypt");
            var plain = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, cancellationToken);
            Show("Decrypted", $"\"{Encoding.UTF8.GetString(plain.Plaintext.ToArray())}\"");

            Step("Stop the proxy: without it, AWS cannot use the key at all");
            await server.DisposeAsync();
            server = null;
            try
            {
                await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, cancellationToken);
                Note("It decrypted with the proxy stopped: this is not what AWS KMS does.");
                return ExitCodes.Failed;
            }
            catch (KMSInvalidStateException e)
            {
                Show("Decrypt", $"KMSInvalidStateException: {e.Message}");
            }

            Step("Start the proxy again: the same ciphertext decrypts");
            server = await XksProxyServer.StartAsync(proxy, IPAddress.Loopback, port, proxyLog, cancellationToken);
            plain = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, cancellationToken);
            Show("Decrypted", $"\"{Encoding.UTF8.GetString(plain.Plaintext.ToArray())}\"");

            Step("Disable the key in the external key manager (outside AWS): KMS's key stays Enabled, yet is unusable");
            keys.SetStatus(ExternalKeyId, XksKeyStatus.Disabled);
            Show("KMS KeyState", (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }, cancellationToken)).KeyMetadata.KeyState);
            try
            {
                await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes("more"), EncryptionContext = context }, cancellationToken);
                Note("It encrypted with the external key disabled: this is not what AWS KMS does.");
                return ExitCodes.Failed;
            }
            catch (KMSInvalidStateException e)
            {
                Show("Encrypt", $"KMSInvalidStateException: {e.Message}");
            }

            Step("What to remember");
            Note("An external key store keeps a second key outside AWS: you can cut AWS off from your data.");
            Note("The price is availability and latency: every cryptographic call waits for your proxy (KMS gives up after 250 ms).");
            Note("Choose it only when a rule demands keys outside AWS; otherwise standard KMS keys (or CloudHSM key stores) are simpler.");
            Note($"Done in {clock.Elapsed.TotalSeconds:0.0} s. The proxy on its own: kmslab xks-proxy --help.");
            return ExitCodes.Success;
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
        }
    }
}
