using System.Text;
using KmsLab.Cli.Serve;
using KmsLab.Xks;

namespace KmsLab.Tests.Xks;

/// <summary><c>kmslab xks-proxy --state FILE</c>: the credential, prefix and keys survive a restart; the file is the owner's only; a foreign or damaged file is refused and left as it was.</summary>
public sealed class XksStateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-xks-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string StatePath => Path.Combine(_folder, "xks.json");

    [Fact]
    public void Keys_credential_and_prefix_survive_a_restart_and_old_ciphertext_decrypts()
    {
        string ciphertext;
        XksCredential credential;
        using (var state = XksStateFile.Open(StatePath, "/keystores/demo"))
        {
            Assert.True(state.IsNew);
            state.Keys.CreateKey(XksTestProxy.KeyId);
            state.Save();
            credential = state.Credential;
            Assert.Null(credential.Problem());
            var proxy = new XksProxy(state.Keys, state.Credential, state.UriPathPrefix);
            ciphertext = Encrypt(proxy);
        }
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StatePath));
        Assert.False(File.Exists(StatePath + ".lock"));

        using (var again = XksStateFile.Open(StatePath, "/ignored-for-a-saved-state"))
        {
            Assert.False(again.IsNew);
            Assert.Equal(credential, again.Credential);
            Assert.Equal("/keystores/demo", again.UriPathPrefix);
            Assert.Equal(XksTestProxy.KeyId, Assert.Single(again.Keys.Keys).KeyId);
            var proxy = new XksProxy(again.Keys, again.Credential, again.UriPathPrefix);
            Assert.Equal("/keystores/demo/kms/xks/v1", proxy.UriPath);
            Assert.Equal("SGVsbG8gV29ybGQh", Decrypt(proxy, ciphertext));
        }
    }

    [Fact]
    public void A_disabled_key_stays_disabled_after_a_restart()
    {
        using (var state = XksStateFile.Open(StatePath))
        {
            state.Keys.CreateKey("k1");
            state.Keys.SetStatus("k1", XksKeyStatus.Disabled);
            state.Save();
        }
        using var again = XksStateFile.Open(StatePath);
        Assert.Equal(XksKeyStatus.Disabled, Assert.Single(again.Keys.Keys).Status);
    }

    [Fact]
    public void A_second_process_on_the_same_file_is_refused()
    {
        using var first = XksStateFile.Open(StatePath);
        var refused = Assert.Throws<IOException>(() => XksStateFile.Open(StatePath));
        Assert.Contains("in use by another kmslab process", refused.Message);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("not json at all", "is not the JSON of one")]
    [InlineData("""{"format":"kmslab-state","version":1,"accountId":"111122223333"}""", "'kmslab serve' state file")]
    [InlineData("""{"format":"someone-elses","version":1}""", "its format is 'someone-elses'")]
    [InlineData("""{"name":"a package.json"}""", "has no \"format\"")]
    [InlineData("""{"format":"kmslab-xks-proxy-state","version":9}""", "written by a newer KmsLab")]
    [InlineData("""{"format":"kmslab-xks-proxy-state","version":1,"uriPathPrefix":"/kmslab","accessKeyId":"MUBSXM6K3KMXHN6RRCXI7TWQ","rawSecretAccessKey":"FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE","keys":[{"keyId":"k","material":"AAAA","status":"ENABLED"}]}""", "has no 256-bit key material")]
    [InlineData("""{"format":"kmslab-xks-proxy-state","version":1,"uriPathPrefix":"/kmslab","accessKeyId":"short","rawSecretAccessKey":"FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE"}""", "is damaged: the access key ID")]
    public async Task A_foreign_or_damaged_file_is_refused_with_a_clear_message_and_never_overwritten(string contents, string says)
    {
        File.WriteAllText(StatePath, contents);
        var before = File.ReadAllBytes(StatePath);
        var refused = Assert.Throws<InvalidDataException>(() => XksStateFile.Open(StatePath));
        Assert.Contains(says, refused.Message);
        Assert.Contains("left as it is", refused.Message);

        // The command says so too, exits 1, and leaves the file alone even when asked to create keys.
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await XksProxyRunner.RunAsync(new XksProxyOptions(System.Net.IPAddress.Loopback, 0, StatePath, null, ["new-key"]), output, error, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains(says, error.ToString());
        Assert.Equal(before, File.ReadAllBytes(StatePath));
        Assert.False(File.Exists(StatePath + ".lock"));
    }

    [Fact]
    public void The_state_file_is_the_only_place_the_key_material_is_written_and_list_keys_shows_none_of_it()
    {
        using var state = XksStateFile.Open(StatePath);
        state.Keys.CreateKey("k1");
        state.Save();
        var material = state.Keys.Find("k1")!.Material;
        Assert.Contains(Convert.ToBase64String(material), File.ReadAllText(StatePath));
        var listing = new StringWriter();
        KmsLab.Cli.Commands.XksProxyCommand.WriteKeys(listing, state);
        Assert.Contains("k1  AES_256  ENABLED", listing.ToString());
        Assert.DoesNotContain(Convert.ToBase64String(material), listing.ToString());
        Assert.DoesNotContain(Convert.ToHexStringLower(material), listing.ToString());
        Assert.DoesNotContain(state.Credential.RawSecretAccessKey, listing.ToString());
    }

    private static string Encrypt(XksProxy proxy)
    {
        var answer = Send(proxy, $"keys/{XksTestProxy.KeyId}/encrypt", XksTestProxy.EncryptExample);
        Assert.Equal(200, answer.Status);
        return answer.Text;
    }

    private static string Decrypt(XksProxy proxy, string encrypted)
    {
        var body = System.Text.Json.JsonDocument.Parse(encrypted).RootElement;
        var answer = Send(proxy, $"keys/{XksTestProxy.KeyId}/decrypt", XksTestProxy.DecryptExample(body));
        Assert.Equal(200, answer.Status);
        return answer.Member("plaintext");
    }

    /// <summary>A request to a proxy with its own credential and path, signed now (its clock is the system's).</summary>
    internal static Answer Send(XksProxy proxy, string operation, string json)
    {
        var path = $"{proxy.UriPath}/{operation}";
        var body = Encoding.UTF8.GetBytes(json);
        var amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = "127.0.0.1",
            ["X-Amz-Date"] = amzDate,
            ["Authorization"] = XksTestProxy.Sign(proxy.Credential, "us-east-1", XksProxy.ServiceName, "POST", path, "127.0.0.1", amzDate, body),
        };
        var response = proxy.Handle(new KmsLab.Hosting.EndpointRequest("POST", path, name => headers.GetValueOrDefault(name), body));
        var text = Encoding.UTF8.GetString(response.Body.Span);
        return new Answer(response.StatusCode, System.Text.Json.JsonDocument.Parse(text).RootElement.Clone(), text);
    }
}
