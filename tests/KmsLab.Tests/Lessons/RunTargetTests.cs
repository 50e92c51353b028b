using Spectre.Console.Testing;
using System.CommandLine;
using KmsLab.Cli.Commands;
using KmsLab.Hosting;
using KmsLab.Tests.RealAws;

namespace KmsLab.Tests.Lessons;

/// <summary>
/// <c>kmslab run</c> hands its target to the lessons it runs (no environment variable is changed),
/// takes it from <c>--target</c>, else from <c>KMSLAB_TARGET</c>, and a lab's notes on real AWS reach
/// the cell's output.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class RunTargetTests : IDisposable
{
    private readonly EnvironmentScope _env = new();

    public void Dispose() => _env.Dispose();

    private static RunCommand.Settings Parse(string? targetVariable, params string[] args) =>
        RunCommand.ReadSettings(new RootCommand { RunCommand.Create() }.Parse(["run", .. args]), targetVariable);

    [Fact]
    public void KMSLAB_TARGET_chooses_the_target_when_there_is_no_target_option()
    {
        Assert.Equal(LabTarget.Aws, Parse("aws", "x.ipynb").Target);
        Assert.Equal(LabTarget.Aws, Parse(" AWS ", "x.ipynb").Target);
        Assert.Equal(LabTarget.Simulator, Parse("simulator", "x.ipynb").Target);
        Assert.Equal(LabTarget.Simulator, Parse(null, "x.ipynb").Target);
        Assert.Contains("use 'simulator' (the default) or 'aws'", Assert.Throws<ArgumentException>(() => Parse("cloud", "x.ipynb")).Message);
    }

    [Fact]
    public void The_target_option_wins_over_KMSLAB_TARGET()
    {
        Assert.Equal(LabTarget.Simulator, Parse("aws", "--target", "simulator", "x.ipynb").Target);
        Assert.Equal(LabTarget.Aws, Parse("simulator", "-t", "aws", "x.ipynb").Target);
        Assert.Equal(LabTarget.Simulator, Parse("cloud", "--target", "simulator", "x.ipynb").Target);
    }

    [Fact]
    public async Task A_bad_KMSLAB_TARGET_is_a_usage_error_of_kmslab_run()
    {
        _env.Set(Lab.TargetVariable, "cloud");
        var error = new StringWriter();
        var console = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(ExitCodes.Usage, await new RootCommand { RunCommand.Create() }.Parse(["run", "x.ipynb"]).InvokeAsync());
        }
        finally
        {
            Console.SetError(console);
        }
        Assert.Contains("KMSLAB_TARGET='cloud'", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LabTarget.Aws, "simulator")]
    [InlineData(LabTarget.Simulator, "aws")]
    public async Task The_run_target_reaches_the_lesson_whatever_KMSLAB_TARGET_says(LabTarget target, string variable)
    {
        // Settings an AWS lab can be built from without asking STS.
        _env.Set(Lab.TargetVariable, variable).Set("KMSLAB_REGION", "eu-west-1").Set("KMSLAB_OWNER", "teacher@example.com");
        using var dir = new TempDir();
        var path = dir.Notebook("target.ipynb", ("code", "Console.WriteLine(\"lesson target: \" + KmsLab.Lab.ForLesson(\"x\").Target);"));
        var stdout = new TestConsole().Width(200);

        int exit = await RunCommand.RunAsync(new RunCommand.Settings([path], target, null, false, TimeSpan.FromMinutes(1)), stdout, new StringWriter(), CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"lesson target: {target}", stdout.Output, StringComparison.Ordinal);
        Assert.Equal(variable, Environment.GetEnvironmentVariable(Lab.TargetVariable));
        Assert.Null(LessonHost.Current);
    }

    [Fact]
    public async Task On_real_AWS_a_labs_note_reaches_the_cells_output()
    {
        _env.Set("KMSLAB_REGION", "eu-west-1").Set("KMSLAB_OWNER", "teacher@example.com");
        using var dir = new TempDir();
        var path = dir.Notebook("note.ipynb",
            ("code", "var lab = KmsLab.Lab.ForLesson(\"x\");"),
            ("code", "Console.WriteLine(\"moved: \" + lab.AdvanceClockOrExplain(TimeSpan.FromDays(8), \"wait for the DeletionDate.\"));"),
            ("code", "KmsLab.Lessons.SimulatorOnly.Do(lab, () => lab.CreateUser(\"alice\"), \"alice is played by myKeyUser.\");"));
        var stdout = new TestConsole().Width(200);

        int exit = await RunCommand.RunAsync(new RunCommand.Settings([path], LabTarget.Aws, null, false, TimeSpan.FromMinutes(1)), stdout, new StringWriter(), CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        var output = stdout.Output;
        Assert.Contains("⏩ On real AWS the clock cannot be moved 8 days ahead: wait for the DeletionDate.", output, StringComparison.Ordinal);
        Assert.Contains("moved: False", output, StringComparison.Ordinal);
        Assert.Contains("☁️ On real AWS: alice is played by myKeyUser.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_a_lesson_host_a_lab_writes_nothing_to_the_console()
    {
        _env.Set("KMSLAB_REGION", "eu-west-1").Set("KMSLAB_OWNER", "teacher@example.com");
        var lab = Lab.Aws();
        var output = new StringWriter();
        var (console, defaultNotes) = (Console.Out, LessonHost.DefaultNotes);
        LessonHost.DefaultNotes = null;   // as in a program that never started a notebook (a lesson run earlier in this process may have)
        Console.SetOut(output);
        try
        {
            Assert.False(lab.AdvanceClockOrExplain(TimeSpan.FromDays(1)));
            Assert.False(KmsLab.Lessons.SimulatorOnly.Do(lab, () => { }, "nothing"));
        }
        finally
        {
            Console.SetOut(console);
            LessonHost.DefaultNotes = defaultNotes;
        }
        Assert.Equal("", output.ToString());
    }
}
