using KmsLab.Cli.Commands;
using KmsLab.Cli.Notebooks;
using KmsLab.Tests.Lessons;
using Spectre.Console.Testing;

namespace KmsLab.Tests.Cli;

/// <summary>
/// Where <c>kmslab run</c> finds its lessons: <c>./notebooks</c> in a checkout or a learner's copy,
/// else the ones bundled with the tool; a lesson may be named instead of given as a path; and
/// <c>kmslab lessons copy</c> lays out a copy that VS Code and Jupyter open as they open a checkout.
/// </summary>
public sealed class LessonLocatorTests
{
    private static string MakeLessons(string folder, params string[] names)
    {
        Directory.CreateDirectory(folder);
        foreach (var name in names) File.WriteAllText(Path.Combine(folder, name), "{}");
        return folder;
    }

    [Fact]
    public void The_current_folders_notebooks_win_over_the_bundled_lessons()
    {
        using var dir = new TempDir();
        var bundled = MakeLessons(Path.Combine(dir.Path, "tool", "lessons", "notebooks"), "00-start-here.ipynb");
        var learner = Directory.CreateDirectory(Path.Combine(dir.Path, "learner")).FullName;

        Assert.Equal(new LessonLocator.LessonsFolder(bundled, true), LessonLocator.Find(learner, bundled));
        var local = MakeLessons(Path.Combine(learner, "notebooks"), "00-start-here.ipynb");
        Assert.Equal(new LessonLocator.LessonsFolder(local, false), LessonLocator.Find(learner, bundled));
        Assert.Null(LessonLocator.Find(Path.Combine(dir.Path, "tool"), Path.Combine(dir.Path, "none")));
    }

    [Theory]
    [InlineData("03-encrypt-decrypt.ipynb", "03-encrypt-decrypt.ipynb")]
    [InlineData("03-encrypt-decrypt", "03-encrypt-decrypt.ipynb")]
    [InlineData("03", "03-encrypt-decrypt.ipynb")]
    [InlineData("3", "03-encrypt-decrypt.ipynb")]
    [InlineData("10", "10-aws-services.ipynb")]
    [InlineData("11", null)]
    [InlineData("encrypt", null)]
    [InlineData("sub/03", null)]
    public void A_lesson_is_named_by_its_file_name_or_its_number(string name, string? expected)
    {
        using var dir = new TempDir();
        var folder = MakeLessons(Path.Combine(dir.Path, "notebooks"), "00-start-here.ipynb", "03-encrypt-decrypt.ipynb", "10-aws-services.ipynb");
        var found = LessonLocator.Resolve(name, folder);
        Assert.Equal(expected, found is null ? null : Path.GetFileName(found));
    }

    [Fact]
    public void Run_with_no_path_outside_a_checkout_runs_the_bundled_lessons_and_says_where_from()
    {
        using var dir = new TempDir();
        var bundled = MakeLessons(Path.Combine(dir.Path, "tool", "lessons", "notebooks"), "00-start-here.ipynb", "03-encrypt-decrypt.ipynb");
        var learner = Directory.CreateDirectory(Path.Combine(dir.Path, "learner")).FullName;
        var stdout = new TestConsole().Width(1000);

        Assert.Equal([bundled], RunCommand.ResolvePaths([], learner, bundled, stdout, new StringWriter()));
        Assert.Contains($"Running the lessons bundled with kmslab, from {bundled}", stdout.Output, StringComparison.Ordinal);
        Assert.Equal([Path.Combine(bundled, "03-encrypt-decrypt.ipynb")], RunCommand.ResolvePaths(["03"], learner, bundled, new TestConsole(), new StringWriter()));

        var stderr = new StringWriter();
        Assert.Null(RunCommand.ResolvePaths([], learner, Path.Combine(dir.Path, "none"), new TestConsole(), stderr));
        Assert.Contains("there is no notebooks folder here", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_no_path_in_a_checkout_runs_its_notebooks_and_a_path_that_exists_is_taken_as_given()
    {
        using var dir = new TempDir();
        var bundled = MakeLessons(Path.Combine(dir.Path, "tool", "lessons", "notebooks"), "03-encrypt-decrypt.ipynb");
        var checkout = Directory.CreateDirectory(Path.Combine(dir.Path, "checkout")).FullName;
        var local = MakeLessons(Path.Combine(checkout, "notebooks"), "03-encrypt-decrypt.ipynb");
        File.WriteAllText(Path.Combine(checkout, "03"), "a file named 03");
        var stdout = new TestConsole().Width(1000);

        Assert.Equal([local], RunCommand.ResolvePaths([], checkout, bundled, stdout, new StringWriter()));
        Assert.Equal([Path.Combine(local, "03-encrypt-decrypt.ipynb")], RunCommand.ResolvePaths(["3"], checkout, bundled, stdout, new StringWriter()));
        Assert.Equal(["03"], RunCommand.ResolvePaths(["03"], checkout, bundled, stdout, new StringWriter()));
        Assert.Equal("", stdout.Output);
    }

    /// <summary>The CLI's build output for this test's configuration (the test project references the CLI).</summary>
    private static string CliOutput => Path.GetDirectoryName(typeof(KmsLab.Cli.Program).Assembly.Location)!;

    [Fact]
    public void A_copy_gets_the_lessons_and_exactly_the_DLLs_a_build_puts_where_their_setup_cell_looks()
    {
        using var dir = new TempDir();
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Success, LessonCopy.Run(Repository.Notebooks, CliOutput, Path.Combine(dir.Path, "mine"), stdout, new StringWriter()));

        var copied = Directory.GetFiles(Path.Combine(dir.Path, "mine", "notebooks")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(Directory.GetFiles(Repository.Notebooks).Select(Path.GetFileName).Where(n => n!.EndsWith(".ipynb", StringComparison.Ordinal) || n.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal), copied);
        // What the build writes to artifacts/kmslab (KmsLab.Lessons.csproj), but for the one assembly the CLI takes from
        // the ASP.NET Core shared framework, as the notebook kernel does (lesson 03 runs in the real kernel from such a copy).
        var built = Directory.GetFiles(Path.Combine(Repository.Root, "artifacts", "kmslab"), "*.dll").Select(Path.GetFileName).Where(n => n != "Microsoft.AspNetCore.Html.Abstractions.dll").Order(StringComparer.Ordinal);
        var dlls = Directory.GetFiles(Path.Combine(dir.Path, "mine", "artifacts", "kmslab")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(built, dlls);
        Assert.Contains("lessons copied to", stdout.ToString(), StringComparison.Ordinal);

        var again = new StringWriter();
        Assert.Equal(ExitCodes.Usage, LessonCopy.Run(Repository.Notebooks, CliOutput, Path.Combine(dir.Path, "mine"), new StringWriter(), again));
        Assert.Contains("already has lessons", again.ToString(), StringComparison.Ordinal);
    }
}
