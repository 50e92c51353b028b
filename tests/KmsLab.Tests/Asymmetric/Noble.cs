using System.Text.Json;
using System.Text.Json.Nodes;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Asymmetric;

/// <summary>
/// Runs tests/interop/pq-check.mjs: ML-DSA, ML-KEM and Ed25519(ph) checks by noble
/// (@noble/post-quantum, @noble/curves) under node, outside .NET and BouncyCastle. Missing node or
/// packages fail the test under CI and skip it elsewhere (.ci/run installs them with npm ci).
/// </summary>
internal static class Noble
{
    public static async Task<JsonElement[]> RunAsync(params JsonObject[] checks)
    {
        bool installed = Directory.Exists(Path.Combine(ExternalClients.InteropFolder, "node_modules", "@noble", "post-quantum"))
            && Directory.Exists(Path.Combine(ExternalClients.InteropFolder, "node_modules", "@noble", "curves"));
        ExternalClients.Require(installed && ExternalClients.Node() is not null, "node with tests/interop/node_modules (@noble/post-quantum, @noble/curves, from npm ci) is not installed");
        var dir = Directory.CreateTempSubdirectory("kmslab-noble-");
        try
        {
            var input = Path.Combine(dir.FullName, "checks.json");
            await File.WriteAllTextAsync(input, new JsonArray([.. checks]).ToJsonString());
            var result = await ExternalClients.RunAsync("node", [Path.Combine(ExternalClients.InteropFolder, "pq-check.mjs"), input], ExternalClients.InteropFolder,
                new Dictionary<string, string>(), TimeSpan.FromSeconds(120));
            Assert.True(result.ExitCode == 0, result.ToString());
            using var json = JsonDocument.Parse(result.Stdout);
            return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public static async Task<JsonElement> OneAsync(JsonObject check) => (await RunAsync(check))[0];

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    public static byte[] Bytes(JsonElement answer, string name) => Convert.FromBase64String(answer.GetProperty(name).GetString()!);
}
