using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace KmsLab.Lessons;

/// <summary>
/// Lets Plotly.NET run in a host that already carries an older FSharp.Core: the
/// Microsoft.dotnet-interactive 1.0.712001 kernel (VS Code's Polyglot Notebooks, Jupyter) loads
/// FSharp.Core 10.0.0.0 into its default load context, while Plotly.NET 6 is compiled against
/// 10.1.0.0. A request for FSharp.Core that the host cannot satisfy is answered with the host's own
/// copy, so Plotly.NET, Giraffe.ViewEngine and DynamicObj all share the one FSharp.Core the kernel
/// runs on (two copies side by side break: F# function types from one are not those of the other).
/// In <c>kmslab run</c> FSharp.Core 10.1 is the host's own and this never fires.
/// </summary>
/// <remarks>For this to work the folder that notebooks <c>#r</c> from must not hold FSharp.Core.dll
/// (the kernel's script loader would load that second copy first): KmsLab.Lessons references
/// FSharp.Core without its runtime asset.</remarks>
internal static class FSharpCoreBinding
{
    private static int _installed;

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Must run before any Plotly.NET type is touched.")]
    internal static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        AppDomain.CurrentDomain.AssemblyResolve += Resolve;
    }

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name);
        if (!string.Equals(name.Name, "FSharp.Core", StringComparison.Ordinal)) return null;
        return AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == "FSharp.Core")
            ?? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core");
    }
}
