using System.CommandLine;
using System.Net;
using KmsLab.Cli.Serve;

namespace KmsLab.Cli.Commands;

/// <summary><c>kmslab serve</c>: the simulator as a KMS endpoint for the aws CLI, boto3 and every SDK.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port", "-p")
        {
            Description = "TCP port to listen on (0 picks a free one).",
            DefaultValueFactory = _ => KmsServerOptions.DefaultPort,
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535) result.AddError("--port must be between 0 and 65535.");
        });
        var host = new Option<string>("--host")
        {
            Description = "Interface to listen on; 127.0.0.1 is this machine only. Any other address lets other machines use the lab keys, so you get a warning.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        host.Validators.Add(result =>
        {
            if (ParseHost(result.GetValueOrDefault<string>()) is null) result.AddError("--host must be an IP address (127.0.0.1, ::1, 0.0.0.0 ...) or localhost.");
        });
        var state = new Option<FileInfo?>("--state")
        {
            Description = "Keep keys with all their key material, aliases, tags, policies, grants, lab users, the clock and the audit trail in this file across restarts (a SQLite database, created readable by you only; a JSON state file of an earlier KmsLab is migrated, and kept beside as FILE.json.bak). Without it, state lives in memory only.",
        };
        var retention = new Option<int>("--audit-retention")
        {
            Description = $"With --state: how many audit events the file keeps, the newest (0 keeps none; read them with kmslab audit export).",
            DefaultValueFactory = _ => new LabOptions().AuditRetention,
        };
        retention.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError("--audit-retention must be 0 or more.");
        });
        var region = CommonOptions.Region;
        var command = new Command("serve", $"Serve the simulator as an AWS KMS endpoint on http://127.0.0.1:{KmsServerOptions.DefaultPort} for the aws CLI, boto3 and the AWS SDKs (use --endpoint-url). "
            + "It answers every Region (each request's signature names its own); --region is the one printed in the profile lines.")
        {
            port, host, state, retention, region,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ServeOptions(ParseHost(parse.GetValue(host))!, parse.GetValue(port), parse.GetValue(state)?.FullName, parse.GetValue(region) ?? "us-east-1") { AuditRetention = parse.GetValue(retention) };
            return await ServeRunner.RunAsync(options, Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

    internal static IPAddress? ParseHost(string? value) => value switch
    {
        null or "" => null,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.TryParse(value.Trim('[', ']'), out var address) ? address : null,
    };
}
