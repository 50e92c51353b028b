using System.Text.RegularExpressions;
using KmsLab.Cli;
using KmsLab.Cli.Commands;

namespace KmsLab.Tests.Cli;

public partial class DemoMultiRegionTests
{
    [GeneratedRegex(@"Current in us-east-1\s+(\S+)")]
    private static partial Regex CurrentEast();

    [GeneratedRegex(@"Current in eu-west-1\s+(\S+)")]
    private static partial Regex CurrentWest();

    [Fact]
    public async Task The_multi_Region_demo_encrypts_in_one_Region_decrypts_in_the_other_and_rotates_on_the_primary()
    {
        var output = new StringWriter();
        int exit = await DemoMultiRegion.RunAsync(output);
        var text = output.ToString();
        Assert.True(exit == ExitCodes.Success, text);

        Assert.Matches(@"Key ID\s+mrk-[0-9a-f]{32}", text);
        Assert.Contains("InvalidCiphertextException (no key with this ID there)", text);
        Assert.Contains("KeyState                       Creating", text);
        Assert.Contains("is creating.", text);
        Assert.Contains("KeyState Enabled", text);
        Assert.Contains("MultiRegionKeyType             REPLICA", text);
        Assert.Contains("Decrypted                      \"order 4711: 3 x blue widget, ship to Dublin\"", text);
        Assert.Matches(@"By key\s+arn:aws:kms:eu-west-1:111122223333:key/mrk-", text);
        Assert.Contains("RotateKeyOnDemand (eu-west-1)  UnsupportedOperationException", text);
        Assert.Equal(2, Regex.Matches(text, @"CURRENT\s+ON_DEMAND rotation").Count);
        Assert.Equal(CurrentEast().Match(text).Groups[1].Value, CurrentWest().Match(text).Groups[1].Value);
        Assert.Contains("Decrypted in us-east-1         \"order 4712: 1 x red widget\"", text);
        Assert.Contains("still decrypts in eu-west-1", text);
        Assert.Contains("purpose=disaster-recovery", text);
    }

    [Fact]
    public void The_command_line_knows_demo_multi_region()
    {
        var parse = Program.CreateRootCommand().Parse(["demo-multi-region"]);
        Assert.Empty(parse.Errors);
        Assert.Equal("demo-multi-region", parse.CommandResult.Command.Name);
    }
}
