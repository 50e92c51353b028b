using System.Text.Json;

namespace KmsLab.Tests.Serve;

/// <summary>
/// Real third-party clients against a served simulator: the course's aws CLI sequence with CLI v1
/// and v2, a boto3 round trip, and an AWS SDK for JavaScript v3 round trip.
/// </summary>
public sealed class InteropTests : IAsyncLifetime
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);
    private ServedLab _served = null!;
    private readonly string _scratch = Directory.CreateTempSubdirectory("kmslab-interop-").FullName;

    public async Task InitializeAsync() => _served = await ServedLab.StartAsync();

    public async Task DisposeAsync()
    {
        await _served.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [SkippableFact]
    public Task Seed_cli_sequence_works_with_aws_cli_v1() => RunSeedSequenceAsync(ExternalClients.AwsCliV1(), "AWS CLI v1 (python3 -m awscli)", "aws-cli/1.");

    [SkippableFact]
    public Task Seed_cli_sequence_works_with_aws_cli_v2() => RunSeedSequenceAsync(ExternalClients.AwsCliV2(), "AWS CLI v2 (/usr/bin/aws, Debian package awscli)", "aws-cli/2.");

    /// <summary>A folder holding an <c>aws</c> script that runs the chosen CLI: put it first on PATH.</summary>
    private async Task<string> AwsOnPathAsync(string awsCommand)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_scratch, "bin")).FullName;
        var shim = Path.Combine(bin, "aws");
        await File.WriteAllTextAsync(shim, "#!/bin/sh\n" + awsCommand + "\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    private async Task RunSeedSequenceAsync(string? awsCommand, string client, string versionPrefix)
    {
        ExternalClients.Require(awsCommand is not null, $"{client} is not installed");
        var bin = await AwsOnPathAsync(awsCommand!);
        // Text with a binary tail: every byte value must come back as it went in.
        var secret = "The launch code is 0000.\n"u8.ToArray().Concat(Enumerable.Range(0, 256).Select(i => (byte)i)).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(_scratch, "secret.txt"), secret);

        var env = ExternalClients.AwsEnvironment(_served.Lab);
        env["ENDPOINT"] = _served.EndpointUrl;
        var result = await ExternalClients.RunAsync("bash", [Path.Combine(ExternalClients.InteropFolder, "seed-sequence.sh")], _scratch, env, ClientTimeout, extraPath: bin);

        Assert.True(result.ExitCode == 0, result.ToString());
        var values = result.Stdout.Split('\n').Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..].Trim());
        Assert.StartsWith(versionPrefix, values["VERSION"]);
        Assert.Equal("identical", values["DECRYPTED"]);
        Assert.Equal("identical", values["REDECRYPTED"]);
        Assert.Equal("True", values["ROTATION"]);
        Assert.Equal("32", values["DATAKEY_BYTES"]);
        Assert.Contains("DONE", result.Stdout);
        Assert.Equal(secret, await File.ReadAllBytesAsync(Path.Combine(_scratch, "secret.dec")));

        // What the CLI did is what the simulator holds.
        var keyArn = $"arn:aws:kms:us-east-1:{_served.Lab.AccountId}:key/{values["KEY_ID"]}";
        Assert.Equal(keyArn, values["DATAKEY_BLOB_KEY"]);
        Assert.NotEqual(keyArn, values["REENCRYPTED_KEY"]);
        var kms = _served.CreateClient();
        var status = await kms.GetKeyRotationStatusAsync(new Amazon.KeyManagementService.Model.GetKeyRotationStatusRequest { KeyId = values["KEY_ID"] });
        Assert.True(status.KeyRotationEnabled);
        var aliases = await kms.ListAliasesAsync(new Amazon.KeyManagementService.Model.ListAliasesRequest());
        Assert.Contains(aliases.Aliases, a => a.AliasName == "alias/myFirstKey" && a.TargetKeyId == values["KEY_ID"]);
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task The_aws_cli_reports_denials_and_missing_keys_as_it_does_for_AWS(int version)
    {
        var aws = version == 1 ? ExternalClients.AwsCliV1() : ExternalClients.AwsCliV2();
        ExternalClients.Require(aws is not null, $"AWS CLI v{version} is not installed");
        var user = _served.Lab.GetCredentials(Lab.KeyUserName);
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = user.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = user.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
        };
        var script = $"""
            aws kms create-key --endpoint-url {_served.EndpointUrl} ; echo "EXIT=$?"
            aws kms describe-key --key-id alias/nothing-here --endpoint-url {_served.EndpointUrl} ; echo "EXIT=$?"
            aws kms list-keys --endpoint-url {_served.EndpointUrl} --output text ; echo "EXIT=$?"
            """;
        var result = await ExternalClients.RunAsync("bash", ["-c", script], _scratch, env, ClientTimeout, extraPath: await AwsOnPathAsync(aws!));

        // myKeyUser may list keys but not create them; the CLI prints KMS's own words.
        Assert.Contains($"An error occurred (AccessDeniedException) when calling the CreateKey operation: User: {user.Arn} is not authorized to perform: kms:CreateKey", result.Stderr);
        Assert.Contains("An error occurred (NotFoundException) when calling the DescribeKey operation: Alias 'arn:aws:kms:us-east-1:111122223333:alias/nothing-here' is not found.", result.Stderr);
        // A service error ends CLI v1 with 255, v2 with 254.
        var failed = version == 1 ? "EXIT=255" : "EXIT=254";
        Assert.Equal([failed, failed, "EXIT=0"], result.Stdout.Split('\n').Where(l => l.StartsWith("EXIT=", StringComparison.Ordinal)).ToArray());
    }

    [SkippableFact]
    public async Task Boto3_round_trip()
    {
        var python = ExternalClients.Boto3Python();
        ExternalClients.Require(python is not null, "python3 with boto3 is not installed");
        var result = await ExternalClients.RunAsync(python!, [Path.Combine(ExternalClients.InteropFolder, "boto3_roundtrip.py"), _served.EndpointUrl], _scratch, ExternalClients.AwsEnvironment(_served.Lab), ClientTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var r = json.RootElement;
        Assert.Equal("Enabled", r.GetProperty("keyState").GetString());
        Assert.True(r.GetProperty("decryptedIdentical").GetBoolean());
        Assert.StartsWith($"arn:aws:kms:us-east-1:{_served.Lab.AccountId}:key/", r.GetProperty("decryptKeyId").GetString());
        Assert.Equal("InvalidCiphertextException", r.GetProperty("wrongContext").GetString());
        Assert.Equal("NotFoundException", r.GetProperty("missingAlias").GetString());
        Assert.Equal(32, r.GetProperty("dataKeyBytes").GetInt32());
        Assert.True(r.GetProperty("dataKeyDecrypts").GetBoolean());
        Assert.True(r.GetProperty("rotation").GetBoolean());
        Assert.Equal(1, r.GetProperty("rotations").GetInt32());
        Assert.True(r.GetProperty("oldBlobStillDecrypts").GetBoolean());
        Assert.Equal(["alias/boto3"], r.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal("blue", r.GetProperty("tags")[0].GetProperty("TagValue").GetString());
    }

    [SkippableFact]
    public async Task JavaScript_sdk_v3_round_trip()
    {
        var node = ExternalClients.Node();
        ExternalClients.Require(node is not null, "node with tests/interop/node_modules (@aws-sdk/client-kms, from npm ci) is not installed");
        var env = ExternalClients.AwsEnvironment(_served.Lab);
        env["AWS_REGION"] = "us-east-1";
        var result = await ExternalClients.RunAsync(node!, [Path.Combine(ExternalClients.InteropFolder, "js-roundtrip.mjs"), _served.EndpointUrl], ExternalClients.InteropFolder, env, ClientTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var r = json.RootElement;
        Assert.Equal("Enabled", r.GetProperty("keyState").GetString());
        Assert.True(r.GetProperty("decryptedIdentical").GetBoolean());
        Assert.Equal("InvalidCiphertextException", r.GetProperty("wrongContext").GetString());
        Assert.Equal("NotFoundException", r.GetProperty("missingAlias").GetString());
        Assert.True(r.GetProperty("reDecryptedIdentical").GetBoolean());
        Assert.Equal(32, r.GetProperty("dataKeyBytes").GetInt32());
        Assert.True(r.GetProperty("rotation").GetBoolean());
    }
}
