using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using KmsLab.Cli.Commands;
using KmsLab.Cli.LabSetup;
using KmsLab.KeyTools;
using KmsLab.RealAws;

namespace KmsLab.Tests.RealAws;

/// <summary>
/// lab-setup/kmslab-class.template.json: generated (and committed) for 3 students, parsed, its
/// resources and policies checked, and its users, IAM policies, key policy and tags loaded into the
/// simulator to see who can do what.
/// </summary>
public sealed class ClassTemplateTests
{
    private static readonly string CommittedPath = Path.Combine(RepoRoot(), "lab-setup", "kmslab-class.template.json");

    private static string RepoRoot([CallerFilePath] string here = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KmsLab.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("KmsLab.sln not found above " + here);
    }

    private static JsonObject Committed() => JsonNode.Parse(File.ReadAllText(CommittedPath))!.AsObject();

    private static IEnumerable<(string Logical, JsonObject Resource)> Resources(JsonObject template, string type) =>
        template["Resources"]!.AsObject().Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => (r.Key, r.Value!.AsObject()));

    private static IEnumerable<JsonObject> Statements(JsonNode document) => document["Statement"]!.AsArray().Select(s => s!.AsObject());

    private static List<string> Strings(JsonNode? node) => node switch
    {
        null => [],
        JsonArray a => a.Select(x => x!.GetValue<string>()).ToList(),
        _ => [node.GetValue<string>()],
    };

    [Fact]
    public void The_committed_template_is_the_generators_output_for_3_students()
    {
        // Regenerate with: dotnet run --project src/KmsLab.Cli -- lab-setup template --students 3 --out lab-setup/kmslab-class.template.json
        Assert.Equal(ClassTemplate.Generate(3), File.ReadAllText(CommittedPath).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_template_has_per_student_users_keys_secrets_and_a_class_budget()
    {
        var t = Committed();
        Assert.Equal("2010-09-09", t["AWSTemplateFormatVersion"]!.GetValue<string>());
        int Count(string type) => Resources(t, type).Count();
        Assert.Equal(9, Count("AWS::IAM::User"));
        Assert.Equal(9, Count("AWS::IAM::AccessKey"));
        Assert.Equal(4, Count("AWS::IAM::ManagedPolicy"));
        Assert.Equal(3, Count("AWS::KMS::Key"));
        Assert.Equal(3, Count("AWS::KMS::Alias"));
        Assert.Equal(3, Count("AWS::SecretsManager::Secret"));
        Assert.Equal(3, Count("AWS::SecretsManager::ResourcePolicy"));
        Assert.Equal(1, Count("AWS::Budgets::Budget"));
        Assert.Equal(3 * 11 + 2, t["Resources"]!.AsObject().Count);

        var users = Resources(t, "AWS::IAM::User").Select(u => u.Resource["Properties"]!["UserName"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["labAdmin-01", "labAdmin-02", "labAdmin-03", "myKeyManager-01", "myKeyManager-02", "myKeyManager-03", "myKeyUser-01", "myKeyUser-02", "myKeyUser-03"], users);

        // Every Ref and Fn::GetAtt names a parameter, a pseudo parameter or a resource; every Fn::Sub resolves.
        var resolved = new TemplateResolver(t, "123456789012", "eu-west-1", new Dictionary<string, string> { ["InstructorEmail"] = "teacher@example.com", ["InstructorArn"] = "arn:aws:iam::123456789012:role/Instructor" })
            .Resolve(t["Resources"])!;
        Assert.DoesNotContain("${", resolved.ToJsonString());
        AssertReferencesExist(t, t["Resources"]!);
        AssertReferencesExist(t, t["Outputs"]!);

        // Keys: console policy, 7-day window when the stack is deleted, the KmsLab tags, and marked as the stack's.
        foreach (var (_, key) in Resources(t, "AWS::KMS::Key"))
        {
            var p = key["Properties"]!;
            Assert.Equal(7, p["PendingWindowInDays"]!.GetValue<int>());
            var tags = p["Tags"]!.AsArray().Select(x => x!["Key"]!.GetValue<string>()).ToList();
            Assert.Equal([LabTags.Lesson, LabTags.Owner, LabTags.Class, LabTags.ManagedBy], tags);
            Assert.Equal(["Enable IAM User Permissions", "Allow access for Key Administrators", "Allow use of the key", "Allow attachment of persistent resources"],
                Statements(p["KeyPolicy"]!).Select(s => s["Sid"]!.GetValue<string>()));
        }

        // The budget e-mails the instructor.
        var budget = Resources(t, "AWS::Budgets::Budget").Single().Resource["Properties"]!;
        Assert.Equal("COST", budget["Budget"]!["BudgetType"]!.GetValue<string>());
        Assert.Equal(3, budget["NotificationsWithSubscribers"]!.AsArray().Count);
        Assert.All(budget["NotificationsWithSubscribers"]!.AsArray(), n => Assert.Equal("InstructorEmail", n!["Subscribers"]![0]!["Address"]!["Ref"]!.GetValue<string>()));

        // Each secret holds one student's credentials file and only the instructor may read it.
        foreach (var (logical, secret) in Resources(t, "AWS::SecretsManager::Secret"))
        {
            var file = secret["Properties"]!["SecretString"]!["Fn::Sub"]![0]!.GetValue<string>();
            Assert.Contains("[labAdmin]", file);
            Assert.Contains("[myKeyManager]", file);
            Assert.Contains("[myKeyUser]", file);
            Assert.Contains("KMSLAB_TARGET=aws", file);
            var policy = Resources(t, "AWS::SecretsManager::ResourcePolicy").Single(p => p.Resource["Properties"]!["SecretId"]!["Ref"]!.GetValue<string>() == logical).Resource["Properties"]!;
            var deny = Statements(policy["ResourcePolicy"]!).Single();
            Assert.Equal("Deny", deny["Effect"]!.GetValue<string>());
            Assert.Equal("secretsmanager:GetSecretValue", deny["Action"]!.GetValue<string>());
            Assert.Equal("InstructorArn", deny["Condition"]!["StringNotEquals"]!["aws:PrincipalArn"]!["Ref"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Every_IAM_policy_is_limited_to_lab_tagged_keys_and_the_deletion_window_is_pinned()
    {
        var t = Committed();
        var resolver = new TemplateResolver(t, "123456789012", "eu-west-1");
        bool guardrailsSeen = false;
        foreach (var (logical, policy) in Resources(t, "AWS::IAM::ManagedPolicy"))
        {
            var document = resolver.Resolve(policy["Properties"]!["PolicyDocument"])!;
            foreach (var s in Statements(document).Where(s => s["Effect"]!.GetValue<string>() == "Allow"))
            {
                var actions = Strings(s["Action"]);
                var resources = Strings(s["Resource"]);
                var conditions = s["Condition"]?.ToJsonString() ?? "";
                bool untaggedOnly = actions.All(ClassTemplate.UntaggedActions.Contains);
                bool tagLimited = conditions.Contains($"aws:ResourceTag/{LabTags.Owner}", StringComparison.Ordinal)
                    || conditions.Contains($"aws:RequestTag/{LabTags.Owner}", StringComparison.Ordinal);
                bool aliasesOnly = resources.All(r => r.StartsWith("arn:aws:kms:*:123456789012:alias/", StringComparison.Ordinal)) && actions.All(a => a.EndsWith("Alias", StringComparison.Ordinal));
                Assert.True(untaggedOnly || tagLimited || aliasesOnly, $"{logical}: statement {s["Sid"]} allows {string.Join(", ", actions)} on {string.Join(", ", resources)} without a KmsLab tag condition.");
                Assert.DoesNotContain("iam:", string.Join(" ", actions));
            }
            if (logical != "ClassGuardrails") continue;
            guardrailsSeen = true;
            Assert.Equal(9, policy["Properties"]!["Users"]!.AsArray().Count);
            var pin = Statements(document).Single(s => s["Sid"]!.GetValue<string>() == "PinDeletionWindowTo7Days");
            Assert.Equal("Deny", pin["Effect"]!.GetValue<string>());
            Assert.Equal("kms:ScheduleKeyDeletion", pin["Action"]!.GetValue<string>());
            Assert.Equal("7", pin["Condition"]!["NumericNotEquals"]!["kms:ScheduleKeyDeletionPendingWindowInDays"]!.GetValue<string>());
        }
        Assert.True(guardrailsSeen);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task In_the_simulator_myKeyManager_administers_without_use_and_myKeyUser_uses_without_administering(int student)
    {
        var checks = await ClassTemplateCheck.RunAsync(File.ReadAllText(CommittedPath), student);
        Assert.All(checks, c => Assert.True(c.AsIntended, $"{c.Principal} {(c.ShouldSucceed ? "should" : "should not")} be able to: {c.Attempt} (got {c.Detail})"));
        string nn = ClassTemplate.Nn(student);
        bool Did(string who, string attempt) => checks.Single(c => c.Principal == who + nn && c.Attempt == attempt).Succeeded;

        Assert.True(Did("myKeyManager-", "DisableKey"));
        Assert.True(Did("myKeyManager-", "TagResource"));
        Assert.True(Did("myKeyManager-", "ScheduleKeyDeletion (7 days)"));
        Assert.False(Did("myKeyManager-", "Encrypt"));
        Assert.False(Did("myKeyManager-", "Decrypt"));
        Assert.False(Did("myKeyManager-", "ScheduleKeyDeletion (30 days)"));
        Assert.True(Did("myKeyUser-", "Encrypt with the seed CMK"));
        Assert.True(Did("myKeyUser-", "Decrypt"));
        Assert.False(Did("myKeyUser-", "DisableKey"));
        Assert.False(Did("myKeyUser-", "PutKeyPolicy"));
        Assert.False(Did("labAdmin-", "CreateKey without KmsLab tags"));
        Assert.True(Did("labAdmin-", "CreateKey with the KmsLab tags"));
        Assert.Contains(checks, c => c.Attempt.StartsWith("Encrypt with student", StringComparison.Ordinal) && !c.Succeeded);

        var report = new StringWriter();
        Assert.Equal(0, LabSetupCommand.Report(checks, report));
        Assert.Contains($"All {checks.Count} checks went as the template intends.", report.ToString());
    }

    [Fact]
    public void The_key_policy_is_the_consoles_for_the_students_users()
    {
        var t = Committed();
        var resolver = new TemplateResolver(t, "123456789012", "eu-west-1");
        var keyPolicy = resolver.Resolve(t["Resources"]!["Student02Key"]!["Properties"]!["KeyPolicy"])!;
        var console = JsonNode.Parse(KeyPolicies.Console("123456789012", ["arn:aws:iam::123456789012:user/myKeyManager-02"], ["arn:aws:iam::123456789012:user/myKeyUser-02"]))!;
        Assert.True(JsonNode.DeepEquals(console, keyPolicy), keyPolicy.ToJsonString());
    }

    [Fact]
    public void The_generator_refuses_classes_that_do_not_fit_one_stack()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassTemplate.Generate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassTemplate.Generate(ClassTemplate.MaxStudents + 1));
        var largest = JsonNode.Parse(ClassTemplate.Generate(ClassTemplate.MaxStudents))!;
        Assert.True(largest["Resources"]!.AsObject().Count <= 500);
    }

    private static void AssertReferencesExist(JsonObject template, JsonNode node)
    {
        var names = template["Parameters"]!.AsObject().Select(p => p.Key).Concat(template["Resources"]!.AsObject().Select(r => r.Key))
            .Concat(["AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::StackName"]).ToHashSet();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    if (o["Ref"] is JsonValue r) Assert.Contains(r.GetValue<string>(), names);
                    if (o["Fn::GetAtt"] is JsonArray att) Assert.Contains(att[0]!.GetValue<string>(), names);
                    if (o["DependsOn"] is JsonArray deps) Assert.All(deps, d => Assert.Contains(d!.GetValue<string>(), names));
                    foreach (var (_, child) in o) Walk(child);
                    break;
                case JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
            }
        }
        Walk(node);
    }
}
