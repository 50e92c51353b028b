using System.Text.Json;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Serve;

/// <summary>
/// The aws CLI v1 and boto3 create, replicate and use a multi-Region key against a served
/// simulator. Each client runs in two phases; between them the test moves the lab's clock past the
/// replica's Creating state (no sleeping).
/// </summary>
public sealed class MultiRegionInteropTests : IAsyncLifetime
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);
    private ServedLab _served = null!;
    private readonly string _scratch = Directory.CreateTempSubdirectory("kmslab-mrk-interop-").FullName;

    public async Task InitializeAsync() => _served = await ServedLab.StartAsync();

    public async Task DisposeAsync()
    {
        await _served.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [SkippableFact]
    public async Task The_aws_cli_v1_creates_replicates_and_uses_a_multi_Region_key()
    {
        var aws = ExternalClients.AwsCliV1();
        ExternalClients.Require(aws is not null, "AWS CLI v1 (python3 -m awscli) is not installed");
        var bin = Directory.CreateDirectory(Path.Combine(_scratch, "bin")).FullName;
        var shim = Path.Combine(bin, "aws");
        await File.WriteAllTextAsync(shim, "#!/bin/sh\n" + aws + "\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var env = ExternalClients.AwsEnvironment(_served.Lab);
        env["ENDPOINT"] = _served.EndpointUrl;
        var script = Path.Combine(ExternalClients.InteropFolder, "multi-region.sh");

        var created = await ExternalClients.RunAsync("bash", [script, "create"], _scratch, env, ClientTimeout, extraPath: bin);
        Assert.True(created.ExitCode == 0, created.ToString());
        var first = Values(created.Stdout);
        Assert.StartsWith("aws-cli/1.", first["VERSION"]);
        Assert.Matches("^mrk-[0-9a-f]{32}$", first["KEY_ID"]);
        Assert.Equal("Creating", first["REPLICA_STATE"]);
        Assert.Equal("REPLICA", first["REPLICA_TYPE"]);

        _served.Lab.Clock.Advance(TimeSpan.FromSeconds(10));
        var used = await ExternalClients.RunAsync("bash", [script, "use", first["KEY_ID"]], _scratch, env, ClientTimeout, extraPath: bin);
        Assert.True(used.ExitCode == 0, used.ToString());
        var then = Values(used.Stdout);
        Assert.Equal("identical", then["DECRYPTED_IN_WEST"]);
        Assert.Equal($"arn:aws:kms:eu-west-1:{_served.Lab.AccountId}:key/{first["KEY_ID"]}", then["DECRYPT_KEY"]);
        Assert.Equal("Enabled", then["WEST_STATE"]);
        Assert.Equal("us-east-1", then["WEST_PRIMARY"]);
        Assert.Equal(then["EAST_MATERIAL"], then["WEST_MATERIAL"]);
        Assert.Equal("1", then["WEST_ROTATIONS"]);
        Assert.Equal("UnsupportedOperationException", then["REPLICA_ROTATION"]);
        Assert.Contains("DONE", used.Stdout);

        // What the CLI did is what the simulator holds.
        var replica = (await _served.CreateClient("eu-west-1").DescribeKeyAsync(new DescribeKeyRequest { KeyId = first["KEY_ID"] })).KeyMetadata;
        Assert.Equal("DR key, Ireland", replica.Description);
    }

    [SkippableFact]
    public async Task Boto3_creates_replicates_and_uses_a_multi_Region_key()
    {
        var python = ExternalClients.Boto3Python();
        ExternalClients.Require(python is not null, "python3 with boto3 is not installed");
        var script = Path.Combine(ExternalClients.InteropFolder, "boto3_multi_region.py");
        var env = ExternalClients.AwsEnvironment(_served.Lab);

        var created = await ExternalClients.RunAsync(python!, [script, _served.EndpointUrl, "create"], _scratch, env, ClientTimeout);
        Assert.True(created.ExitCode == 0, created.ToString());
        using var first = JsonDocument.Parse(created.Stdout);
        var c = first.RootElement;
        var keyId = c.GetProperty("keyId").GetString()!;
        Assert.Matches("^mrk-[0-9a-f]{32}$", keyId);
        Assert.True(c.GetProperty("multiRegion").GetBoolean());
        Assert.Equal("PRIMARY", c.GetProperty("type").GetString());
        Assert.Equal($"arn:aws:kms:eu-west-1:{_served.Lab.AccountId}:key/{keyId}", c.GetProperty("replicaArn").GetString());
        Assert.Equal("Creating", c.GetProperty("replicaState").GetString());
        Assert.Equal("dublin", c.GetProperty("replicaTags")[0].GetProperty("TagValue").GetString());
        Assert.Equal("KMSInvalidStateException", c.GetProperty("whileCreating").GetString());

        _served.Lab.Clock.Advance(TimeSpan.FromSeconds(10));
        var used = await ExternalClients.RunAsync(python!, [script, _served.EndpointUrl, "use", keyId], _scratch, env, ClientTimeout);
        Assert.True(used.ExitCode == 0, used.ToString());
        using var second = JsonDocument.Parse(used.Stdout);
        var u = second.RootElement;
        Assert.True(u.GetProperty("decryptedInWest").GetBoolean());
        Assert.EndsWith($"eu-west-1:{_served.Lab.AccountId}:key/{keyId}", u.GetProperty("decryptKeyId").GetString());
        Assert.Equal("REPLICA", u.GetProperty("westType").GetString());
        Assert.Equal(["eu-west-1"], u.GetProperty("replicaRegions").EnumerateArray().Select(r => r.GetString()!));
        var eastRotations = u.GetProperty("eastRotations").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Single(eastRotations);
        Assert.Equal(eastRotations, u.GetProperty("westRotations").EnumerateArray().Select(r => r.GetString()!));
        Assert.True(u.GetProperty("newBlobDecryptsInEast").GetBoolean());
        Assert.Equal("UnsupportedOperationException", u.GetProperty("replicaRotation").GetString());
    }

    private static Dictionary<string, string> Values(string stdout) =>
        stdout.Split('\n').Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..].Trim());
}
