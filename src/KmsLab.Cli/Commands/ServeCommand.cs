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
            Description = "Keep keys with all their key material, aliases, tags, policies, grants, lab users and the clock in this file across restarts (created readable by you only). Without it, state lives in memory only.",
        };
        var region = CommonOptions.Region;
        var command = new Command("serve", $"Serve the simulator as an AWS KMS endpoint on http://127.0.0.1:{KmsServerOptions.DefaultPort} for the aws CLI, boto3 and the AWS SDKs (use --endpoint-url). "
            + "It answers every Region (each request's signature names its own); --region is the one printed in the profile lines.")
        {
            port, host, state, region,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ServeOptions(ParseHost(parse.GetValue(host))!, parse.GetValue(port), parse.GetValue(state)?.FullName, parse.GetValue(region) ?? "us-east-1");
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
