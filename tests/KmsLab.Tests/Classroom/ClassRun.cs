using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KmsLab.Cli.Notebooks;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Classroom;

/// <summary>
/// What the two students did in the class test: each opened lesson 00 from their own copy and ran
/// it cell by cell in a kernel of their own notebook server, through the hub's proxy — Ada with
/// the exercise solved and her first question answered right, Bob as the lesson comes (the
/// exercise untouched) — then Ada created a key and Bob, in his kernel, looked for it.
/// </summary>
internal sealed record ClassRun(StudentRun Ada, StudentRun Bob, string AdasKeyId, CellRun BobLooksForAdasKey, long BobsHeapLimit)
{
    public const string Lesson = "00-start-here.ipynb";
    public const string LessonPath = "kmslab-course/notebooks/" + Lesson;

    public static async Task<ClassRun> RunAsync(ClassHub hub)
    {
        var (ada, bob) = (ClassHub.Students[0].Name, ClassHub.Students[1].Name);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        // Both at once, as a class starts: the two lessons run side by side.
        var adaRun = RunLessonAsync(hub, ada, solve: true, cts.Token);
        var bobRun = RunLessonAsync(hub, bob, solve: false, cts.Token);
        var (adaResult, adaKernel) = await adaRun;
        var (bobResult, bobKernel) = await bobRun;
        await using (adaKernel)
        await using (bobKernel)
        {
            var created = await adaKernel.ExecuteAsync("(await kms.CreateKeyAsync(new CreateKeyRequest { Description = \"the key only Ada has\" })).KeyMetadata.KeyId", cts.Token);
            Assert.Null(created.Error);
            var keyId = created.Text.Trim().Trim('"');
            var lookup = await bobKernel.ExecuteAsync($"await Outcome.Of(() => kms.DescribeKeyAsync(new DescribeKeyRequest {{ KeyId = \"{keyId}\" }}))", cts.Token);
            var heap = await bobKernel.ExecuteAsync("GC.GetGCMemoryInfo().TotalAvailableMemoryBytes.ToString()", cts.Token);
            return new ClassRun(adaResult, bobResult, keyId, lookup, long.Parse(heap.Text.Trim().Trim('"'), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static async Task<(StudentRun, KernelChannels)> RunLessonAsync(ClassHub hub, string student, bool solve, CancellationToken cancellationToken)
    {
        var server = await hub.StartServerAsync(student);
        var token = await hub.TokenAsync(student);
        using var client = ClassHub.As(token);
        // The lesson as it is in the student's own copy (the contents API), not the repository's.
        var model = JsonNode.Parse(await client.GetStringAsync(new Uri(server, $"api/contents/{LessonPath}?type=notebook&content=1"), cancellationToken))!;
        var cells = IpynbDocument.Parse(model["content"]!.ToJsonString()).Cells.ToList();
        int check;
        if (solve)
        {
            check = LessonSolution.Apply(cells);
            var first = cells.FindIndex(c => c.IsCode && c.Source.Contains("quiz.Question(1).Answer(\"?\")", StringComparison.Ordinal));
            cells[first].Source = cells[first].Source.Replace("quiz.Question(1).Answer(\"?\")", "quiz.Question(1).Answer(quiz.Questions[0].CorrectLetters)", StringComparison.Ordinal);
        }
        else
        {
            check = cells.FindIndex(c => c.IsCode && c.Source.Contains("Exercises.", StringComparison.Ordinal));
        }
        // A session for the notebook, as opening it in the browser makes one: its kernel starts in the notebook's folder.
        var session = await client.PostAsJsonAsync(new Uri(server, "api/sessions"),
            new JsonObject { ["path"] = LessonPath, ["type"] = "notebook", ["name"] = "", ["kernel"] = new JsonObject { ["name"] = ".net-csharp" } }, cancellationToken);
        var sessionBody = await session.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(session.IsSuccessStatusCode, $"{student}'s session: {(int)session.StatusCode} {sessionBody}");
        var kernelId = JsonNode.Parse(sessionBody)!["kernel"]!["id"]!.GetValue<string>();
        var kernel = await KernelChannels.ConnectAsync(server, kernelId, token, cancellationToken);
        var runs = new List<(IpynbCell Cell, CellRun Run)>();
        foreach (var cell in cells.Where(c => c.IsCode)) runs.Add((cell, await kernel.ExecuteAsync(cell.Source, cancellationToken)));
        var whoAmI = await kernel.ExecuteAsync("Environment.UserName + \" in \" + Environment.CurrentDirectory", cancellationToken);
        var checkRun = runs.Single(r => ReferenceEquals(r.Cell.Json, cells[check].Json)).Run;
        return (new StudentRun(student, server, kernelId, runs, checkRun, whoAmI.Text.Trim().Trim('"')), kernel);
    }
}

/// <summary>One student's run of the lesson: every code cell with what it displayed, the exercise check's output, and who and where the kernel said it was.</summary>
internal sealed record StudentRun(string Student, Uri Server, string KernelId, IReadOnlyList<(IpynbCell Cell, CellRun Run)> Cells, CellRun Check, string WhoAmI);
