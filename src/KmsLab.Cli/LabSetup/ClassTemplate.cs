using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KmsLab.KeyTools;
using KmsLab.RealAws;

namespace KmsLab.Cli.LabSetup;

/// <summary>
/// Generates the classroom CloudFormation template (JSON, so that .NET reads it without a YAML
/// package). CloudFormation has no loops, so the template for N students is generated:
/// <c>kmslab lab-setup template --students N</c>. Per student NN it creates the IAM users
/// <c>labAdmin-NN</c> (the lessons' administrator, limited to keys tagged as its own),
/// <c>myKeyManager-NN</c> and <c>myKeyUser-NN</c> (the seed course's users: list only in IAM; their
/// powers come from key policies), the seed's CMK with the console's key policy, an alias, access
/// keys and one Secrets Manager secret holding the student's credentials file. For the class: a
/// guardrail policy (deletion window pinned to 7 days, no lockout bypass, KmsLab tags kept, no
/// custom key stores or replicas) and a monthly budget with e-mail alerts.
/// </summary>
internal static class ClassTemplate
{
    /// <summary>CloudFormation allows 500 resources per stack; each student takes 11.</summary>
    public const int MaxStudents = 40;

    public const string AdminPrefix = "labAdmin-";
    public const string ManagerPrefix = "myKeyManager-";
    public const string UserPrefix = "myKeyUser-";

    /// <summary>The lesson tag of the keys the stack creates.</summary>
    public const string SetupLesson = "lab-setup";

    /// <summary>Actions allowed on no resource in particular (listing, random bytes): the only ones not limited by KmsLab tags.</summary>
    public static readonly IReadOnlyList<string> UntaggedActions = ["kms:ListKeys", "kms:ListAliases", "kms:GenerateRandom"];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The student's two-digit number, e.g. <c>07</c>.</summary>
    public static string Nn(int student) => student.ToString("00", CultureInfo.InvariantCulture);

    /// <summary>An IAM user ARN in the stack's account, for <c>Fn::Sub</c>.</summary>
    public static string UserArn(string userName) => $"arn:aws:iam::${{AWS::AccountId}}:user/{userName}";

    /// <summary>The template for <paramref name="students"/> students, as JSON text (ending in a newline).</summary>
    public static string Generate(int students)
    {
        if (students is < 1 or > MaxStudents) throw new ArgumentOutOfRangeException(nameof(students), students, $"A class has 1 to {MaxStudents} students per stack (CloudFormation allows 500 resources; each student takes 11). Deploy several stacks with different ClassName values for more.");
        var resources = new JsonObject();
        var outputs = new JsonObject();
        var allUsers = new JsonArray();

        for (int s = 1; s <= students; s++)
        {
            string nn = Nn(s);
            string admin = AdminPrefix + nn, manager = ManagerPrefix + nn, user = UserPrefix + nn;
            foreach (var (logical, name) in new[] { ($"LabAdmin{nn}", admin), ($"MyKeyManager{nn}", manager), ($"MyKeyUser{nn}", user) })
            {
                resources[logical] = new JsonObject
                {
                    ["Type"] = "AWS::IAM::User",
                    ["Properties"] = new JsonObject
                    {
                        ["UserName"] = name,
                        ["Tags"] = new JsonArray(Tag(LabTags.Class, Ref("ClassName"))),
                    },
                };
                allUsers.Add(Ref(logical));
            }

            resources[$"LabAdmin{nn}Policy"] = new JsonObject
            {
                ["Type"] = "AWS::IAM::ManagedPolicy",
                ["Properties"] = new JsonObject
                {
                    ["ManagedPolicyName"] = Sub($"${{ClassName}}-{admin}"),
                    ["Description"] = $"KmsLab: {admin} creates KMS keys only with the KmsLab tags (owner = itself) and manages and uses only those keys.",
                    ["Users"] = new JsonArray(Ref($"LabAdmin{nn}")),
                    ["PolicyDocument"] = SubStrings(JsonNode.Parse(AdminPolicy(UserArn(admin)))!),
                },
            };

            string keyPolicy = KeyPolicies.Console("${AWS::AccountId}", [UserArn(manager)], [UserArn(user)]);
            resources[$"Student{nn}Key"] = new JsonObject
            {
                ["Type"] = "AWS::KMS::Key",
                ["DependsOn"] = new JsonArray($"MyKeyManager{nn}", $"MyKeyUser{nn}"),
                ["Properties"] = new JsonObject
                {
                    ["Description"] = Sub($"${{ClassName}} student {nn}: the seed course's CMK, administered by {manager} and used by {user}"),
                    ["Enabled"] = true,
                    ["EnableKeyRotation"] = false,
                    ["KeySpec"] = "SYMMETRIC_DEFAULT",
                    ["KeyUsage"] = "ENCRYPT_DECRYPT",
                    ["PendingWindowInDays"] = LabCleanup.PendingWindowInDays,
                    ["KeyPolicy"] = SubStrings(JsonNode.Parse(keyPolicy)!),
                    ["Tags"] = new JsonArray(
                        Tag(LabTags.Lesson, SetupLesson),
                        Tag(LabTags.Owner, Sub(UserArn(manager))),
                        Tag(LabTags.Class, Ref("ClassName")),
                        Tag(LabTags.ManagedBy, "cloudformation")),
                },
            };
            resources[$"Student{nn}Alias"] = new JsonObject
            {
                ["Type"] = "AWS::KMS::Alias",
                ["Properties"] = new JsonObject
                {
                    ["AliasName"] = Sub($"alias/${{ClassName}}-student-{nn}"),
                    ["TargetKeyId"] = Ref($"Student{nn}Key"),
                },
            };

            foreach (var logical in new[] { $"LabAdmin{nn}", $"MyKeyManager{nn}", $"MyKeyUser{nn}" })
            {
                resources[$"{logical}AccessKey"] = new JsonObject
                {
                    ["Type"] = "AWS::IAM::AccessKey",
                    ["Properties"] = new JsonObject { ["UserName"] = Ref(logical), ["Status"] = "Active" },
                };
            }

            resources[$"Student{nn}Credentials"] = new JsonObject
            {
                ["Type"] = "AWS::SecretsManager::Secret",
                ["Properties"] = new JsonObject
                {
                    ["Name"] = Sub($"${{ClassName}}/student-{nn}"),
                    ["Description"] = $"KmsLab: the AWS credentials file of student {nn} ({admin}, {manager}, {user}). Only the instructor may read it.",
                    ["SecretString"] = new JsonObject
                    {
                        ["Fn::Sub"] = new JsonArray(
                            CredentialsFile(nn),
                            new JsonObject
                            {
                                ["AdminKey"] = Ref($"LabAdmin{nn}AccessKey"),
                                ["AdminSecret"] = GetAtt($"LabAdmin{nn}AccessKey", "SecretAccessKey"),
                                ["ManagerKey"] = Ref($"MyKeyManager{nn}AccessKey"),
                                ["ManagerSecret"] = GetAtt($"MyKeyManager{nn}AccessKey", "SecretAccessKey"),
                                ["UserKey"] = Ref($"MyKeyUser{nn}AccessKey"),
                                ["UserSecret"] = GetAtt($"MyKeyUser{nn}AccessKey", "SecretAccessKey"),
                            }),
                    },
                    ["Tags"] = new JsonArray(Tag(LabTags.Class, Ref("ClassName"))),
                },
            };
            resources[$"Student{nn}CredentialsPolicy"] = new JsonObject
            {
                ["Type"] = "AWS::SecretsManager::ResourcePolicy",
                ["Properties"] = new JsonObject
                {
                    ["SecretId"] = Ref($"Student{nn}Credentials"),
                    ["BlockPublicPolicy"] = true,
                    ["ResourcePolicy"] = new JsonObject
                    {
                        ["Version"] = "2012-10-17",
                        ["Statement"] = new JsonArray(new JsonObject
                        {
                            ["Sid"] = "OnlyTheInstructorReadsStudentCredentials",
                            ["Effect"] = "Deny",
                            ["Principal"] = new JsonObject { ["AWS"] = "*" },
                            ["Action"] = "secretsmanager:GetSecretValue",
                            ["Resource"] = "*",
                            ["Condition"] = new JsonObject { ["StringNotEquals"] = new JsonObject { ["aws:PrincipalArn"] = Ref("InstructorArn") } },
                        }),
                    },
                },
            };

            outputs[$"Student{nn}CredentialsSecret"] = new JsonObject
            {
                ["Description"] = $"Student {nn}'s credentials file: aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text",
                ["Value"] = Ref($"Student{nn}Credentials"),
            };
            outputs[$"Student{nn}KeyArn"] = new JsonObject
            {
                ["Description"] = $"Student {nn}'s CMK ({manager} administers, {user} uses)",
                ["Value"] = GetAtt($"Student{nn}Key", "Arn"),
            };
        }

        resources["ClassGuardrails"] = new JsonObject
        {
            ["Type"] = "AWS::IAM::ManagedPolicy",
            ["Properties"] = new JsonObject
            {
                ["ManagedPolicyName"] = Sub("${ClassName}-guardrails"),
                ["Description"] = "KmsLab: every student user may list keys and aliases; nobody may change the 7-day deletion window, bypass the lockout check, remove KmsLab tags, or create costly custom key stores and replicas.",
                ["Users"] = allUsers,
                ["PolicyDocument"] = JsonNode.Parse(GuardrailPolicy())!,
            },
        };
        resources["ClassBudget"] = new JsonObject
        {
            ["Type"] = "AWS::Budgets::Budget",
            ["Properties"] = new JsonObject
            {
                ["Budget"] = new JsonObject
                {
                    ["BudgetName"] = Sub("${ClassName}-monthly-cost"),
                    ["BudgetType"] = "COST",
                    ["TimeUnit"] = "MONTHLY",
                    ["BudgetLimit"] = new JsonObject { ["Amount"] = Ref("MonthlyBudgetUsd"), ["Unit"] = "USD" },
                },
                ["NotificationsWithSubscribers"] = new JsonArray(
                    BudgetAlert("ACTUAL", 50),
                    BudgetAlert("ACTUAL", 100),
                    BudgetAlert("FORECASTED", 100)),
            },
        };
        outputs["Students"] = new JsonObject { ["Description"] = "Students in this stack", ["Value"] = students.ToString(CultureInfo.InvariantCulture) };
        outputs["Region"] = new JsonObject { ["Description"] = "Students set KMSLAB_REGION to this", ["Value"] = Ref("AWS::Region") };

        var template = new JsonObject
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Description"] = $"KmsLab classroom for {students} student(s): labAdmin-NN, myKeyManager-NN and myKeyUser-NN per student, the seed course's CMK with the console's key policy, credentials in Secrets Manager, guardrails and a budget. Generated by `kmslab lab-setup template --students {students}`: do not edit by hand.",
            ["Metadata"] = new JsonObject
            {
                ["KmsLab"] = new JsonObject
                {
                    ["Students"] = students,
                    ["Generator"] = $"kmslab lab-setup template --students {students}",
                    ["Guide"] = "lab-setup/README.md",
                },
            },
            ["Parameters"] = new JsonObject
            {
                ["ClassName"] = new JsonObject
                {
                    ["Type"] = "String",
                    ["Default"] = "kmslab",
                    ["AllowedPattern"] = "[a-z][a-z0-9-]{0,31}",
                    ["Description"] = "Names the policies, aliases, secrets and budget of this class (lower case, digits, hyphens).",
                },
                ["InstructorEmail"] = new JsonObject
                {
                    ["Type"] = "String",
                    ["AllowedPattern"] = "[^@\\s]+@[^@\\s]+",
                    ["Description"] = "Where the budget's alerts go.",
                },
                ["InstructorArn"] = new JsonObject
                {
                    ["Type"] = "String",
                    ["AllowedPattern"] = "arn:aws[a-z-]*:iam::[0-9]{12}:(user|role)/.+",
                    ["Description"] = "The IAM user or role ARN (not an assumed-role session ARN) that alone may read the students' credentials secrets.",
                },
                ["MonthlyBudgetUsd"] = new JsonObject
                {
                    ["Type"] = "Number",
                    ["Default"] = 20,
                    ["MinValue"] = 1,
                    ["Description"] = "The class's monthly cost budget in USD; e-mails at 50% and 100% actual and 100% forecast.",
                },
            },
            ["Resources"] = resources,
            ["Outputs"] = outputs,
        };
        return template.ToJsonString(Json) + "\n";
    }

    /// <summary>labAdmin-NN's policy: create keys only with the KmsLab tags naming itself, then do anything with those keys only.</summary>
    public static string AdminPolicy(string ownerArn) => new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(
            new JsonObject
            {
                ["Sid"] = "CreateKeysTaggedAsOwn",
                ["Effect"] = "Allow",
                ["Action"] = "kms:CreateKey",
                ["Resource"] = "*",
                ["Condition"] = new JsonObject
                {
                    ["StringEquals"] = new JsonObject { [$"aws:RequestTag/{LabTags.Owner}"] = ownerArn },
                    ["Null"] = new JsonObject { [$"aws:RequestTag/{LabTags.Lesson}"] = "false" },
                },
            },
            new JsonObject
            {
                // CreateKey with Tags also needs kms:TagResource; a key that already has an owner cannot be claimed with it.
                ["Sid"] = "TagNewKeysAsOwn",
                ["Effect"] = "Allow",
                ["Action"] = "kms:TagResource",
                ["Resource"] = "*",
                ["Condition"] = new JsonObject
                {
                    ["StringEquals"] = new JsonObject { [$"aws:RequestTag/{LabTags.Owner}"] = ownerArn },
                    ["Null"] = new JsonObject { [$"aws:ResourceTag/{LabTags.Owner}"] = "true" },
                },
            },
            new JsonObject
            {
                ["Sid"] = "EverythingOnOwnLabKeys",
                ["Effect"] = "Allow",
                ["Action"] = "kms:*",
                ["Resource"] = "arn:aws:kms:*:${AWS::AccountId}:key/*",
                ["Condition"] = new JsonObject { ["StringEquals"] = new JsonObject { [$"aws:ResourceTag/{LabTags.Owner}"] = ownerArn } },
            },
            new JsonObject
            {
                // Alias calls are authorized on the alias and on its key: the key side is limited by the statement above.
                ["Sid"] = "AliasesForOwnLabKeys",
                ["Effect"] = "Allow",
                ["Action"] = new JsonArray("kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"),
                ["Resource"] = "arn:aws:kms:*:${AWS::AccountId}:alias/*",
            },
            new JsonObject
            {
                ["Sid"] = "RandomBytes",
                ["Effect"] = "Allow",
                ["Action"] = "kms:GenerateRandom",
                ["Resource"] = "*",
            }),
    }.ToJsonString();

    /// <summary>The class-wide policy: listing, and the guardrails (explicit denies win over any key policy).</summary>
    public static string GuardrailPolicy() => new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(
            new JsonObject
            {
                ["Sid"] = "ListKeysAndAliases",
                ["Effect"] = "Allow",
                ["Action"] = new JsonArray("kms:ListKeys", "kms:ListAliases"),
                ["Resource"] = "*",
            },
            new JsonObject
            {
                ["Sid"] = "PinDeletionWindowTo7Days",
                ["Effect"] = "Deny",
                ["Action"] = "kms:ScheduleKeyDeletion",
                ["Resource"] = "*",
                ["Condition"] = new JsonObject { ["NumericNotEquals"] = new JsonObject { ["kms:ScheduleKeyDeletionPendingWindowInDays"] = LabCleanup.PendingWindowInDays.ToString(CultureInfo.InvariantCulture) } },
            },
            new JsonObject
            {
                ["Sid"] = "NoPolicyLockoutBypass",
                ["Effect"] = "Deny",
                ["Action"] = new JsonArray("kms:CreateKey", "kms:PutKeyPolicy"),
                ["Resource"] = "*",
                ["Condition"] = new JsonObject { ["Bool"] = new JsonObject { ["kms:BypassPolicyLockoutSafetyCheck"] = "true" } },
            },
            new JsonObject
            {
                ["Sid"] = "KeepKmsLabTags",
                ["Effect"] = "Deny",
                ["Action"] = "kms:UntagResource",
                ["Resource"] = "*",
                ["Condition"] = new JsonObject { ["ForAnyValue:StringLike"] = new JsonObject { ["aws:TagKeys"] = LabTags.Prefix + "*" } },
            },
            new JsonObject
            {
                ["Sid"] = "NoCostlyExtras",
                ["Effect"] = "Deny",
                ["Action"] = new JsonArray("kms:CreateCustomKeyStore", "kms:ConnectCustomKeyStore", "kms:ReplicateKey"),
                ["Resource"] = "*",
            }),
    }.ToJsonString();

    private static string CredentialsFile(string nn) =>
        $"# KmsLab class ${{ClassName}}, student {nn}. Save as ~/.aws/credentials (or append to it), then:\n" +
        "#   export KMSLAB_TARGET=aws KMSLAB_REGION=${AWS::Region} KMSLAB_PROFILE=labAdmin\n" +
        "# These keys stop working when the class ends. Never commit or share them.\n" +
        "[labAdmin]\naws_access_key_id = ${AdminKey}\naws_secret_access_key = ${AdminSecret}\n\n" +
        "[myKeyManager]\naws_access_key_id = ${ManagerKey}\naws_secret_access_key = ${ManagerSecret}\n\n" +
        "[myKeyUser]\naws_access_key_id = ${UserKey}\naws_secret_access_key = ${UserSecret}\n";

    private static JsonObject BudgetAlert(string type, int percent) => new()
    {
        ["Notification"] = new JsonObject
        {
            ["NotificationType"] = type,
            ["ComparisonOperator"] = "GREATER_THAN",
            ["Threshold"] = percent,
            ["ThresholdType"] = "PERCENTAGE",
        },
        ["Subscribers"] = new JsonArray(new JsonObject { ["SubscriptionType"] = "EMAIL", ["Address"] = Ref("InstructorEmail") }),
    };

    private static JsonObject Tag(string key, JsonNode value) => new() { ["Key"] = key, ["Value"] = value };

    private static JsonObject Ref(string name) => new() { ["Ref"] = name };

    private static JsonObject Sub(string text) => new() { ["Fn::Sub"] = text };

    private static JsonObject GetAtt(string resource, string attribute) => new() { ["Fn::GetAtt"] = new JsonArray(resource, attribute) };

    /// <summary>Wraps every string that names a CloudFormation variable (<c>${...}</c>) in <c>Fn::Sub</c>.</summary>
    private static JsonNode SubStrings(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).ToList())
                {
                    var child = o[name];
                    if (child is null) continue;
                    o[name] = null;
                    o[name] = SubStrings(child.DeepClone());
                }
                return o;
            case JsonArray a:
                var items = a.Select(i => i is null ? null : SubStrings(i.DeepClone())).ToList();
                a.Clear();
                foreach (var i in items) a.Add(i);
                return a;
            case JsonValue v when v.TryGetValue<string>(out var text) && text.Contains("${", StringComparison.Ordinal):
                return Sub(text);
            default:
                return node;
        }
    }
}
