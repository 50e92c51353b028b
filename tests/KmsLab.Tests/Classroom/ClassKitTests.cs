using System.Text.RegularExpressions;
using KmsLab.Cli.Commands;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Classroom;

/// <summary>The class kit's files agree with the rest of the project, without a hub (these run everywhere).</summary>
public sealed partial class ClassKitTests
{
    [Fact]
    public void The_kit_and_ci_install_the_kernel_version_the_course_is_tested_with()
    {
        var install = File.ReadAllText(Path.Combine(ClassHub.Kit, "install.sh"));
        Assert.Equal(KernelCommand.ToolVersion, KernelVersion().Match(install).Groups[1].Value);
        var ci = File.ReadAllText(Path.Combine(Repository.Root, ".ci", "run"));
        Assert.Contains($"--version {KernelCommand.ToolVersion}", ci, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kubernetes_values_give_the_kernel_heap_the_same_share_of_the_pod_as_the_hub_does()
    {
        // jupyterhub_config.py: DOTNET_GCHeapHardLimit = 3/4 of the student's memory; z2jh-values.yaml must agree with its own limit.
        var values = File.ReadAllText(Path.Combine(ClassHub.Kit, "z2jh-values.yaml"));
        var limit = long.Parse(MemoryLimit().Match(values).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) << 30;
        var heap = Convert.ToInt64(HeapLimit().Match(values).Groups[1].Value, 16);
        Assert.Equal(limit * 3 / 4, heap);
        Assert.Contains("DOTNET_GCHeapHardLimit\": hex(memory_bytes(MEMORY) * 3 // 4)", File.ReadAllText(Path.Combine(ClassHub.Kit, "jupyterhub_config.py")), StringComparison.Ordinal);
    }

    [GeneratedRegex("kernel_version=\"([0-9.]+)\"")]
    private static partial Regex KernelVersion();

    [GeneratedRegex(@"memory:\s*\n\s*limit:\s*(\d+)G")]
    private static partial Regex MemoryLimit();

    [GeneratedRegex("DOTNET_GCHeapHardLimit: \"0x([0-9A-Fa-f]+)\"")]
    private static partial Regex HeapLimit();
}
