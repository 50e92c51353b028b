using System.CommandLine;
using KmsLab.Cli;
using KmsLab.Cli.Commands;
using KmsLab.Tests.Protocol;

namespace KmsLab.Tests.Cli;

/// <summary>The command line declared once: shared options are one declaration each, and every command answers with one exit-code table.</summary>
[Collection(EnvironmentCollection.Name)] // parse errors are written to the process's console
public sealed class CommandLineTests
{
    private static readonly Dictionary<string, Option> Shared = new(StringComparer.Ordinal)
    {
        ["--region"] = CommonOptions.Region,
        ["--endpoint-url"] = CommonOptions.EndpointUrl,
        ["--profile"] = CommonOptions.Profile,
        ["--quiet"] = CommonOptions.Quiet,
    };

    private static IEnumerable<Command> Commands(Command command) => new[] { command }.Concat(command.Subcommands.SelectMany(Commands));

    private static Command Find(string name) => Commands(Program.CreateRootCommand()).Single(c => c.Name == name);

    [Fact]
    public void Every_command_that_takes_a_shared_option_takes_the_one_declaration()
    {
        foreach (var command in Commands(Program.CreateRootCommand()))
        {
            foreach (var option in command.Options)
            {
                if (Shared.TryGetValue(option.Name, out var shared)) Assert.Same(shared, option);
                Assert.NotEqual("--endpoint", option.Name);
            }
        }
    }

    [Theory]
    [InlineData("encrypt", "--region --endpoint-url --profile --quiet")]
    [InlineData("decrypt", "--region --endpoint-url --profile --quiet")]
    [InlineData("cleanup", "--region --endpoint-url --profile")]
    [InlineData("serve", "--region")]
    [InlineData("bench", "--endpoint-url")]
    [InlineData("run", "--quiet")]
    public void The_commands_take_the_shared_options_they_honour(string command, string options)
    {
        var taken = Find(command).Options.Where(o => Shared.ContainsKey(o.Name)).Select(o => o.Name).ToList();
        Assert.Equal(options.Split(' '), taken);
    }

    [Theory]
    [InlineData("bench", "--endpoint-url", "not a url")]
    [InlineData("bench", "--endpoint", "http://127.0.0.1:4599")]
    [InlineData("bench", "--concurrency", "2")]
    [InlineData("cleanup", "--endpoint-url", "ftp://127.0.0.1:21")]
    [InlineData("encrypt", "--in", "x")]
    [InlineData("run", "--target", "cloud")]
    [InlineData("no-such-command")]
    [InlineData("serve", "--audit-retention", "-1")]
    [InlineData("audit", "export")]
    [InlineData("bench", "--keys", "100")]
    [InlineData("bench", "--state", "--http")]
    [InlineData("bench", "--state", "--keys", "0")]
    public async Task A_command_line_that_does_not_parse_is_a_usage_error(params string[] args)
    {
        var parse = Program.CreateRootCommand().Parse(args);
        Assert.NotEmpty(parse.Errors);
        Assert.Equal(ExitCodes.Usage, await Program.InvokeAsync(parse));
    }

    [Theory]
    [InlineData("bench", "--http")]
    [InlineData("bench", "--http", "--concurrency", "2", "--no-moto")]
    [InlineData("bench", "--endpoint-url", "http://127.0.0.1:4599", "--no-moto")]
    [InlineData("cleanup", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:4599", "--profile", "labAdmin")]
    [InlineData("serve", "--state", "lab.db", "--audit-retention", "500")]
    [InlineData("audit", "export", "--state", "lab.db")]
    [InlineData("bench", "--state", "--keys", "100", "10000", "--samples", "50", "--clients", "4", "--seconds", "3")]
    public void The_shared_options_parse_alike_everywhere(params string[] args) =>
        Assert.Empty(Program.CreateRootCommand().Parse(args).Errors);
}
