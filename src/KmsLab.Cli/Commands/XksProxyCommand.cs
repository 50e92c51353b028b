using System.CommandLine;
using KmsLab.Cli.Serve;
using KmsLab.Xks;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab xks-proxy</c>: an external key store proxy (XKS Proxy API v1) on loopback, and its
/// key manager's subcommands: <c>create-key</c>, <c>list-keys</c>, <c>enable-key</c>, <c>disable-key</c>
/// (on the state file, while the proxy is stopped).
/// </summary>
internal static class XksProxyCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port", "-p")
        {
            Description = "TCP port to listen on (0 picks a free one).",
            DefaultValueFactory = _ => XksProxyServer.DefaultPort,
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535) result.AddError("--port must be between 0 and 65535.");
        });
        var host = new Option<string>("--host")
        {
            Description = "Interface to listen on; 127.0.0.1 is this machine only. Any other address exposes the proxy's plain-HTTP traffic, so you get a warning.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        host.Validators.Add(result =>
        {
            if (ServeCommand.ParseHost(result.GetValueOrDefault<string>()) is null) result.AddError("--host must be an IP address (127.0.0.1, ::1, 0.0.0.0 ...) or localhost.");
        });
        var prefix = new Option<string?>("--path-prefix")
        {
            Description = $"The URI path prefix before /kms/xks/v1 (default {XksStateFile.DefaultUriPathPrefix}; \"\" for none). A state file keeps the one it was created with.",
            HelpName = "prefix",
        };
        prefix.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && XksProxy.PathPrefixProblem(value) is { } problem) result.AddError($"--path-prefix: {problem}.");
        });
        var keys = new Option<string[]>("--key")
        {
            Description = "Create this external key at start if the key manager lacks it (repeatable); with --state it is saved.",
            HelpName = "key-id",
            AllowMultipleArgumentsPerToken = false,
        };
        keys.Validators.Add(ValidKeyIds);
        var command = new Command("xks-proxy", $"Run an external key store proxy (the public XKS Proxy API v1: GetHealthStatus, GetKeyMetadata, Encrypt, Decrypt) on http://127.0.0.1:{XksProxyServer.DefaultPort}, "
            + "authenticating requests with SigV4 and its own credential. Its keys' material never leaves it.")
        {
            port, host, StateOption(required: false), prefix, keys,
            CreateKeyCommand(), ListKeysCommand(), StatusCommand("enable-key", XksKeyStatus.Enabled), StatusCommand("disable-key", XksKeyStatus.Disabled),
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var state = (Option<FileInfo?>)command.Options.First(o => o.Name == "--state");
            var options = new XksProxyOptions(ServeCommand.ParseHost(parse.GetValue(host))!, parse.GetValue(port), parse.GetValue(state)?.FullName, parse.GetValue(prefix), parse.GetValue(keys) ?? []);
            return await XksProxyRunner.RunAsync(options, Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

    private static Option<FileInfo?> StateOption(bool required) => new("--state")
    {
        Description = required
            ? "The proxy's state file (created if missing, readable by you only): its credential, path prefix and keys. Stop the proxy first: it holds the file while it runs."
            : "Keep the proxy's credential, path prefix and keys (with their key material) in this file across restarts (created readable by you only). Without it, all of them live in memory only.",
        Required = required,
    };

    private static Option<string> KeyIdOption()
    {
        var keyId = new Option<string>("--key-id")
        {
            Description = "The external key ID (XksKeyId in KMS): 1 to 128 letters, digits, '-', '.' and '_'.",
            Required = true,
        };
        keyId.Validators.Add(ValidKeyIds);
        return keyId;
    }

    private static void ValidKeyIds(System.CommandLine.Parsing.OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (!XksProxy.IsValidKeyId(token.Value)) result.AddError($"'{token.Value}' is not a valid external key ID: use 1 to {XksProxy.MaxKeyIdLength} letters, digits, '-', '.' and '_'.");
        }
    }

    private static Command CreateKeyCommand()
    {
        var state = StateOption(required: true);
        var keyId = KeyIdOption();
        var prefix = new Option<string?>("--path-prefix") { Description = $"For a new state file: the URI path prefix before /kms/xks/v1 (default {XksStateFile.DefaultUriPathPrefix}).", HelpName = "prefix" };
        prefix.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && XksProxy.PathPrefixProblem(value) is { } problem) result.AddError($"--path-prefix: {problem}.");
        });
        var command = new Command("create-key", "Create a 256-bit AES key in the proxy's key manager (fresh random key material, kept in the state file only).") { state, keyId, prefix };
        command.SetAction(parse => OnState(parse.GetValue(state)!.FullName, parse.GetValue(prefix), "kmslab xks-proxy create-key", file =>
        {
            var id = parse.GetValue(keyId)!;
            if (file.Keys.Keys.Any(k => k.KeyId == id))
            {
                Console.Error.WriteLine($"kmslab xks-proxy create-key: the key manager in {file.Path} already has a key '{id}'.");
                return ExitCodes.Failed;
            }
            var key = file.Keys.CreateKey(id);
            file.Save();
            Console.Out.WriteLine($"Created external key {key.KeyId} (AES_256, fingerprint {key.Fingerprint}) in {file.Path}.");
            Console.Out.WriteLine("Its key material stays in the proxy. Start (or restart) the proxy to use it: kmslab xks-proxy --state " + file.Path);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ListKeysCommand()
    {
        var state = StateOption(required: true);
        var command = new Command("list-keys", "List the keys of the proxy's key manager (IDs, status, creation dates, fingerprints; never key material).") { state };
        command.SetAction(parse => OnState(parse.GetValue(state)!.FullName, null, "kmslab xks-proxy list-keys", file =>
        {
            if (file.IsNew)
            {
                Console.Error.WriteLine($"kmslab xks-proxy list-keys: there is no state file {file.Path} yet (create-key makes one).");
                return ExitCodes.Failed;
            }
            WriteKeys(Console.Out, file);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command StatusCommand(string name, XksKeyStatus status)
    {
        var state = StateOption(required: true);
        var keyId = KeyIdOption();
        var word = status == XksKeyStatus.Enabled ? "Enable" : "Disable";
        var command = new Command(name, $"{word} a key in the proxy's key manager (KMS's own EnableKey and DisableKey do not reach it).") { state, keyId };
        command.SetAction(parse => OnState(parse.GetValue(state)!.FullName, null, "kmslab xks-proxy " + name, file =>
        {
            var id = parse.GetValue(keyId)!;
            if (file.IsNew || file.Keys.Keys.All(k => k.KeyId != id))
            {
                Console.Error.WriteLine($"kmslab xks-proxy {name}: the key manager in {file.Path} has no key '{id}'.");
                return ExitCodes.Failed;
            }
            file.Keys.SetStatus(id, status);
            file.Save();
            Console.Out.WriteLine($"{word}d external key {id}. Restart the proxy for it to apply.");
            return ExitCodes.Success;
        }));
        return command;
    }

    internal static void WriteKeys(TextWriter output, XksStateFile file)
    {
        output.WriteLine($"Keys in {file.Path} (URI path {XksProxy.UriPathFor(file.UriPathPrefix)}, access key ID {file.Credential.AccessKeyId}):");
        if (file.Keys.Keys.Count == 0) output.WriteLine("  none");
        foreach (var key in file.Keys.Keys)
        {
            output.WriteLine($"  {key.KeyId}  {XksKeyInfo.KeySpec}  {(key.Status == XksKeyStatus.Enabled ? "ENABLED" : "DISABLED")}  created {key.CreationDate:yyyy-MM-dd'T'HH:mm:ss'Z'}  fingerprint {key.Fingerprint}");
        }
    }

    private static int OnState(string path, string? newPrefix, string command, Func<XksStateFile, int> action)
    {
        using var file = XksProxyRunner.OpenState(path, newPrefix, Console.Error, command);
        if (file is null) return ExitCodes.Failed;
        return action(file);
    }
}
