using KmsLab.Cli;
using KmsLab.Cli.Commands;

namespace KmsLab.Tests.Cli;

public class DemoExternalKeyStoreTests
{
    [Fact]
    public async Task The_external_key_store_demo_loses_and_regains_the_key_with_its_proxy()
    {
        var output = new StringWriter();
        int exit = await DemoExternalKeyStore.RunAsync(output);
        var text = output.ToString();
        Assert.True(exit == ExitCodes.Success, text);
        Assert.Matches(@"CustomKeyStoreId\s+cks-[0-9a-f]{17}", text);
        Assert.Matches(@"ConnectionState\s+CONNECTED", text);
        Assert.Matches(@"Origin\s+EXTERNAL_KEY_STORE", text);
        Assert.Matches(@"The proxy logged\s+\S+ Encrypt key=demo-external-key -> 200 kmsOperation=Encrypt", text);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(text, "Decrypted\\s+\"December salaries: approved\"").Count);
        Assert.Contains("KMSInvalidStateException: AWS KMS cannot communicate with the external key store proxy.", text);
        Assert.Contains("KMSInvalidStateException: The external key associated with this KMS key in an external key store is not enabled", text);
        Assert.Matches(@"KMS KeyState\s+Enabled", text);
    }

    [Fact]
    public void The_command_line_knows_demo_external_key_store() =>
        Assert.Contains(Program.CreateRootCommand().Subcommands, c => c.Name == "demo-external-key-store");
}
