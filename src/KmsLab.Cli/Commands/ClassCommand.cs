using System.CommandLine;
using KmsLab.Cli.Classroom;
using KmsLab.Cli.Exam;
using KmsLab.Cli.Notebooks;
using KmsLab.Exam;
using Spectre.Console;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab class report</c>: an instructor's view of a class on one machine (lab-setup/jupyterhub)
/// from every student's progress file. Exit codes: 0 written; 1 the report could not be written;
/// 2 no such group, folder or student.
/// </summary>
internal static class ClassCommand
{
    public static Command Create() => Create(ExamEnvironment.Terminal, Directory.GetCurrentDirectory, LessonLocator.BundledFolder, "/etc");

    /// <summary>The command, talking through what <paramref name="environment"/> gives, reading Unix groups from <paramref name="etc"/>.</summary>
    internal static Command Create(Func<ExamEnvironment> environment, Func<string> currentDirectory, string bundledFolder, string etc)
    {
        var group = new Option<string>("--group") { Description = "The class: the members of this Unix group (lab-setup/jupyterhub/class.sh adds them).", DefaultValueFactory = _ => "kmslab-students", HelpName = "name" };
        var homes = new Option<string?>("--homes") { Description = "Or the class as a folder of homes, one folder per student (homes copied off a machine or a cluster).", HelpName = "folder" };
        var student = new Option<string[]>("--student") { Description = "Only these students (repeat it).", HelpName = "name", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string>("--out") { Description = "The folder for class-report.csv and class-report.html.", DefaultValueFactory = _ => ".", HelpName = "folder" };
        var report = new Command("report", "Who finished which lesson and exercise: a CSV and an HTML page with a chart, from every student's progress file (read from a copy; nothing in a student's home is written). Run it as root, or as a user who may read the students' homes.")
        {
            group, homes, student, output,
        };
        report.SetAction(parse =>
        {
            var env = environment();
            try
            {
                var roster = parse.GetValue(homes) is { } folder ? ClassRoster.FromHomes(folder) : ClassRoster.FromGroup(parse.GetValue(group)!, etc);
                var students = ClassRoster.Only(roster, parse.GetValue(student) ?? []);
                var lessonFolder = LessonLocator.Find(currentDirectory(), bundledFolder);
                var lessons = lessonFolder is null ? [] : LessonSync.LessonFiles(lessonFolder.Path).Select(f => LessonSync.Describe(f, IpynbDocument.Load(f))).ToList();
                var progress = students.Select(s => StudentProgress.Read(s, ExamBank.Default, lessons)).ToList();
                var dir = Path.GetFullPath(parse.GetValue(output)!);
                Directory.CreateDirectory(dir);
                var csv = Path.Combine(dir, "class-report.csv");
                var html = Path.Combine(dir, "class-report.html");
                using (var writer = new StreamWriter(csv, append: false, new System.Text.UTF8Encoding(false))) ClassReport.WriteCsv(progress, writer);
                File.WriteAllText(html, ClassReport.Html(progress, env.Time.GetUtcNow()));
                Show(env.Console, progress);
                env.Console.MarkupLine($"Wrote [bold]{Markup.Escape(csv)}[/] and [bold]{Markup.Escape(html)}[/].");
                return ExitCodes.Success;
            }
            catch (ClassReportException e)
            {
                env.Error.WriteLine($"kmslab class report: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                env.Error.WriteLine($"kmslab class report: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return new Command("class", "A class on one machine (lab-setup/jupyterhub): the instructor's commands.") { report };
    }

    private static void Show(IAnsiConsole console, IReadOnlyList<StudentProgress> students)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("Student").AddColumn(new TableColumn("Exercises passed").RightAligned())
            .AddColumn(new TableColumn("Tried").RightAligned()).AddColumn("Last activity");
        foreach (var s in students)
        {
            if (s.Problem is { } problem)
            {
                table.AddRow(new Text(s.Student.Name), new Text("-"), new Text("-"), new Text(problem));
                continue;
            }
            table.AddRow(new Text(s.Student.Name), new Text($"{s.Lessons.Count(l => l.State == Course.ExerciseState.Passed)} of {s.Lessons.Count}"),
                new Text(s.Lessons.Count(l => l.State == Course.ExerciseState.Tried).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(s.LastActivity is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "-"));
        }
        console.Write(table);
    }
}
