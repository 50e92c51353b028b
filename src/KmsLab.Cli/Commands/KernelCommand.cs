using System.CommandLine;
using KmsLab.Cli.Notebooks;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab kernel install</c>: registers the .NET Interactive kernel for Jupyter so that it opens
/// no network port of its own (see <see cref="SafeKernelSpec"/>), under the names
/// <c>dotnet interactive jupyter install</c> uses, so it replaces that registration.
/// </summary>
internal static class KernelCommand
{
    public const string ToolVersion = "1.0.712001";

    public static Command Create()
    {
        var tool = new Option<string?>("--tool") { Description = "The dotnet-interactive executable. Default: ~/.dotnet/tools/dotnet-interactive (dotnet tool install -g)." };
        var system = new Option<bool>("--system") { Description = "Register it for every user of the machine (Jupyter's system folder; needs root), as a class's hub needs (lab-setup/jupyterhub)." };
        var install = new Command("install", "Register the .NET Interactive kernel for Jupyter (for this user, or --system) with its HTTP API on a private Unix socket, never on a network port.") { tool, system };
        install.SetAction(async (parse, cancellationToken) =>
        {
            if (OperatingSystem.IsWindows())
            {
                Console.Error.WriteLine("kmslab kernel install: this registration needs a POSIX shell. On Windows, take the lessons in VS Code (Polyglot Notebooks starts the kernel over stdio, with no HTTP API) or in Jupyter under WSL.");
                return ExitCodes.Usage;
            }
            var toolPath = parse.GetValue(tool) ?? SafeKernelSpec.FindTool();
            if (toolPath is null || !File.Exists(toolPath))
            {
                Console.Error.WriteLine($"kmslab kernel install: the .NET Interactive tool is not installed. Install it with: dotnet tool install -g Microsoft.dotnet-interactive --version {ToolVersion}");
                return ExitCodes.Usage;
            }
            var jupyter = SafeKernelSpec.FindJupyter();
            if (jupyter is null)
            {
                Console.Error.WriteLine("kmslab kernel install: jupyter is not on PATH. Install Jupyter first (Debian/Ubuntu: sudo apt install jupyter-notebook jupyter-nbconvert; elsewhere: pip install notebook).");
                return ExitCodes.Usage;
            }
            var work = Directory.CreateTempSubdirectory("kmslab-kernelspec-").FullName;
            try
            {
                var results = await SafeKernelSpec.InstallAsync(jupyter, Path.GetFullPath(toolPath), work, parse.GetValue(system), null, cancellationToken);
                foreach (var (name, exit, output) in results)
                {
                    if (exit != 0)
                    {
                        Console.Error.WriteLine($"kmslab kernel install: jupyter kernelspec install {name} failed ({exit}): {output}");
                        return ExitCodes.Failed;
                    }
                    Console.WriteLine($"registered {name}: {output.Split('\n').Last().Trim()}");
                }
                Console.WriteLine("The kernel's HTTP API listens on a Unix socket in Jupyter's private runtime folder; only Jupyter's own channels use TCP, on loopback.");
                return ExitCodes.Success;
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        });
        return new Command("kernel", "The Jupyter kernel the lessons run in.") { install };
    }
}
