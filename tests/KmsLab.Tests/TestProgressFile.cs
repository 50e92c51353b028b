using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using KmsLab.Progress;

namespace KmsLab.Tests;

/// <summary>
/// Quizzes store every answer in the learner's progress file. Before any test runs, the test
/// process (and every kernel or CLI it starts, which inherit its environment) points
/// <c>KMSLAB_PROGRESS</c> at a file of its own: no test writes the developer's progress.
/// </summary>
internal static class TestProgressFile
{
    public static string Path { get; private set; } = "";

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The test assembly must keep lessons away from the developer's progress file before any test runs one.")]
    internal static void Initialize()
    {
        var directory = Directory.CreateTempSubdirectory("kmslab-test-progress-").FullName;
        Path = System.IO.Path.Combine(directory, "progress.db");
        Environment.SetEnvironmentVariable(ProgressStore.PathVariable, Path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        };
    }
}
