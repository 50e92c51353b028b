using System.CommandLine;

namespace KmsLab.Cli.Commands;

/// <summary><c>kmslab demo-external-key-store</c>: an external key store with a real XKS proxy on this machine, on the simulator.</summary>
internal static class DemoExternalKeyStoreCommand
{
    public static Command Create()
    {
        var command = new Command("demo-external-key-store", "Walk through an external key store (hold your own key): start an XKS proxy on this machine, connect a key store to it, encrypt and decrypt under a key held in the proxy, then stop the proxy and disable its key to see AWS lose access.");
        command.SetAction(async (_, cancellationToken) => await DemoExternalKeyStore.RunAsync(Console.Out, cancellationToken));
        return command;
    }
}
