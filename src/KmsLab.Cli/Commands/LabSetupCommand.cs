using System.CommandLine;
using KmsLab.Cli.LabSetup;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab lab-setup</c>: the classroom on real AWS. <c>template --students N</c> writes the
/// CloudFormation template; <c>check</c> is its dry run: the template's users, policies and keys
/// loaded into the simulator, and what each user can and cannot do.
/// </summary>
internal static class LabSetupCommand
{
    public static Command Create()
    {
        var students = new Option<int>("--students", "-n") { Description = $"Number of students (1-{ClassTemplate.MaxStudents} per stack).", Required = true };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the template to this file (default: standard output)." };
        var template = new Command("template", "Write the classroom CloudFormation template (JSON) for N students.") { students, output };
        template.SetAction(parse =>
        {
            int n = parse.GetValue(students);
            if (n is < 1 or > ClassTemplate.MaxStudents)
            {
                Console.Error.WriteLine($"kmslab lab-setup template: a stack holds 1 to {ClassTemplate.MaxStudents} students (CloudFormation allows 500 resources; each student takes 11). For more, deploy several stacks with different ClassName values.");
                return ExitCodes.Usage;
            }
            string json = ClassTemplate.Generate(n);
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file.FullName, json);
                Console.Error.WriteLine($"Wrote {file.FullName} ({json.Length:N0} bytes).{(json.Length > 51_200 ? " Over 51,200 bytes: `aws cloudformation deploy` needs --s3-bucket for it." : "")}");
            }
            else
            {
                Console.Out.Write(json);
            }
            return ExitCodes.Success;
        });

        var templateFile = new Option<FileInfo?>("--template", "-t") { Description = "The template to check (default: one generated for 2 students)." };
        var student = new Option<int>("--student") { Description = "The student whose users are checked.", DefaultValueFactory = _ => 1 };
        var check = new Command("check", "Dry run: load the template's users, IAM policies, key policy and tags into the simulator and check what each user can and cannot do.") { templateFile, student };
        check.SetAction(async (parse, ct) =>
        {
            string json = parse.GetValue(templateFile) is { } f ? await File.ReadAllTextAsync(f.FullName, ct) : ClassTemplate.Generate(2);
            IReadOnlyList<AccessCheck> checks;
            try
            {
                checks = await ClassTemplateCheck.RunAsync(json, parse.GetValue(student), ct);
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or System.Text.Json.JsonException or InvalidOperationException)
            {
                Console.Error.WriteLine($"kmslab lab-setup check: {e.Message}");
                return ExitCodes.Usage;
            }
            return Report(checks, Console.Out);
        });

        return new Command("lab-setup", "Classroom provisioning on real AWS: the CloudFormation template and its dry run on the simulator (see lab-setup/README.md).") { template, check };
    }

    /// <summary>Prints the checks; 0 when every one went as the template intends, 1 otherwise.</summary>
    internal static int Report(IReadOnlyList<AccessCheck> checks, TextWriter stdout)
    {
        int width = checks.Max(c => c.Principal.Length);
        foreach (var c in checks)
        {
            stdout.WriteLine($"{(c.AsIntended ? "ok  " : "FAIL")}  {c.Principal.PadRight(width)}  {(c.ShouldSucceed ? "may    " : "may not")}  {c.Attempt}{(c.AsIntended ? "" : $"  (got: {c.Detail})")}");
        }
        int failed = checks.Count(c => !c.AsIntended);
        stdout.WriteLine(failed == 0 ? $"All {checks.Count} checks went as the template intends." : $"{failed} of {checks.Count} checks did not go as the template intends.");
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
