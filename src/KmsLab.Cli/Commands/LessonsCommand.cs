using System.CommandLine;
using KmsLab.Cli.Notebooks;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab lessons sync [--check]</c>: writes the course's generated parts (setup cells,
/// navigation, lesson tables, clean notebooks); with <c>--check</c>, only reports stale files
/// (exit code 1), as CI does. <c>kmslab lessons copy DIR</c>: an editable copy of the lessons
/// (<see cref="LessonCopy"/>) for a learner who has only the tool.
/// </summary>
internal static class LessonsCommand
{
    public static Command Create()
    {
        var folder = new Option<string>("--notebooks") { Description = "The lessons' folder.", DefaultValueFactory = _ => "notebooks" };
        var readmes = new Option<string[]>("--readme") { Description = "Markdown pages with a lesson table (between the kmslab:lessons markers).", DefaultValueFactory = _ => [.. LessonSync.LessonTablePages] };
        var check = new Option<bool>("--check") { Description = "Change nothing; exit 1 if a generated part is stale." };
        var sync = new Command("sync", "Regenerate each lesson's setup cell and navigation, the lesson tables, and strip outputs.") { folder, readmes, check };
        sync.SetAction(parse =>
        {
            var dir = parse.GetValue(folder)!;
            if (!Directory.Exists(dir))
            {
                Console.Error.WriteLine($"kmslab lessons sync: {dir} does not exist.");
                return ExitCodes.Usage;
            }
            bool checkOnly = parse.GetValue(check);
            var changed = LessonSync.Run(dir, parse.GetValue(readmes) ?? [], checkOnly);
            foreach (var file in changed) Console.WriteLine((checkOnly ? "stale: " : "updated: ") + file);
            if (changed.Count == 0) Console.WriteLine("The lessons' generated parts are up to date.");
            else if (checkOnly) Console.Error.WriteLine("Run `kmslab lessons sync` and commit the result.");
            return checkOnly && changed.Count > 0 ? ExitCodes.Failed : ExitCodes.Success;
        });
        return new Command("lessons", "Copy the lessons to open them yourself, or maintain them.") { sync, CreateCopy() };
    }

    private static Command CreateCopy()
    {
        var target = new Argument<string>("dir") { Description = "The folder to copy into: the lessons go to DIR/notebooks, the DLLs they load to DIR/artifacts/kmslab." };
        var copy = new Command("copy", "Copy the lessons bundled with kmslab into a folder of your own, to open and edit in VS Code or Jupyter.") { target };
        copy.SetAction(parse =>
        {
            var lessons = Directory.Exists(LessonLocator.BundledFolder) ? LessonLocator.BundledFolder : LessonLocator.LocalFolder;
            if (!Directory.Exists(lessons))
            {
                Console.Error.WriteLine($"kmslab lessons copy: this kmslab has no bundled lessons ({LessonLocator.BundledFolder}) and there is no {LessonLocator.LocalFolder} folder here.");
                return ExitCodes.Usage;
            }
            return LessonCopy.Run(lessons, AppContext.BaseDirectory, parse.GetValue(target)!, Console.Out, Console.Error);
        });
        return copy;
    }
}
