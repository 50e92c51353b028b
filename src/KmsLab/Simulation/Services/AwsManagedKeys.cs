using KmsLab.Simulation.Pipeline;
using KmsLab.Simulation.Policies;

namespace KmsLab.Simulation.Services;

/// <summary>
/// AWS managed keys: the keys (<c>alias/aws/s3</c>…) that an AWS service creates in the customer's
/// account the first time it needs one, or when someone calls DescribeKey on the predefined alias.
/// KeyManager <c>AWS</c>; a key policy that allows use only through that service by principals of
/// the account (<c>kms:ViaService</c> and <c>kms:CallerAccount</c>) and read-only access to the
/// account; rotated automatically every year. Nobody can manage them: the policy allows no
/// management actions, so DisableKey, PutKeyPolicy or ScheduleKeyDeletion are denied.
/// </summary>
internal sealed class AwsManagedKeys(RequestPipeline pipeline)
{
    private const string AwsAliasPrefix = "alias/aws/";

    /// <summary>
    /// The services whose AWS managed keys the simulator knows (their predefined aliases, which
    /// ListAliases shows without a TargetKeyId until the key exists), with the key's description
    /// and the service endpoint name its policy allows through <c>kms:ViaService</c> (EBS calls
    /// KMS as EC2).
    /// </summary>
    private static readonly Dictionary<string, ManagedKeyService> Services = new(StringComparer.Ordinal)
    {
        // Policies as the services' guides print them (DynamoDB Developer Guide and Secrets Manager User Guide, encryption
        // at rest; EFS User Guide, encryption at rest): the services that create grants may do so through themselves.
        ["dynamodb"] = new("Default key that protects my DynamoDB data when no other key is defined", "dynamodb")
        {
            PolicyId = "auto-dynamodb-1",
            Sid = "Allow access through Amazon DynamoDB for all principals in the account that are authorized to use Amazon DynamoDB",
            UseActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
            RootActions = ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
            DescribedBy = ("dynamodb.amazonaws.com", "Allow DynamoDB Service with service principal name dynamodb.amazonaws.com to describe the key directly"),
        },
        // EBS needs kms:CreateGrant to attach a volume (EC2 User Guide, EBS encryption), and works with aws/ebs by default.
        ["ebs"] = new("Default key that protects my EBS volumes when no other key is defined", "ec2")
        {
            UseActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
        },
        ["elasticfilesystem"] = new("Default key that protects my EFS file systems when no other key is defined", "elasticfilesystem")
        {
            PolicyId = "auto-elasticfilesystem-1",
            Sid = "Allow access to EFS for all principals in the account that are authorized to use EFS",
            UseActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
        },
        ["es"] = new("Default key that protects my OpenSearch data when no other key is defined", "es"),
        ["glue"] = new("Default key that protects my Glue data when no other key is defined", "glue"),
        ["kinesisvideo"] = new("Default key that protects my Kinesis Video Streams data when no other key is defined", "kinesisvideo"),
        ["lambda"] = new("Default key that protects my Lambda functions when no other key is defined", "lambda"),
        ["rds"] = new("Default key that protects my RDS database volumes when no other key is defined", "rds"),
        ["redshift"] = new("Default key that protects my Redshift data when no other key is defined", "redshift"),
        ["s3"] = new("Default key that protects my S3 objects when no other key is defined", "s3"),
        ["secretsmanager"] = new("Default key that protects my Secrets Manager data when no other key is defined", "secretsmanager")
        {
            PolicyId = "auto-secretsmanager-1",
            Sid = "Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager",
            UseActions = ["kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
            RootActions = ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
        },
        ["ssm"] = new("Default key that protects my SSM parameters when no other key is defined", "ssm"),
        ["xray"] = new("Default key that protects my X-Ray data when no other key is defined", "xray"),
    };

    /// <summary>The predefined aliases of AWS managed keys (<c>alias/aws/s3</c>...), in name order.</summary>
    internal static readonly IReadOnlyList<string> PredefinedAliases = [.. Services.Keys.Order(StringComparer.Ordinal).Select(s => AwsAliasPrefix + s)];

    /// <summary>The services <see cref="Ensure(string, string, string)"/> knows.</summary>
    internal static IEnumerable<string> ServiceNames => Services.Keys;

    private KmsWorld World => pipeline.World;

    private DateTimeOffset Now => pipeline.Now;

    /// <summary>The AWS managed key of <paramref name="service"/> (e.g. <c>s3</c>) in an account and Region, created on first use.</summary>
    public KmsKey Ensure(string accountId, string region, string service)
    {
        lock (World.Sync)
        {
            pipeline.CatchUp();
            return Ensure(World.Region(accountId, region), service)
                ?? throw new ArgumentException($"KmsLab simulates no AWS managed key for '{service}'.", nameof(service));
        }
    }

    /// <summary>DescribeKey on a predefined AWS alias of the caller's account (alias/aws/s3, or its ARN) creates the key behind it.</summary>
    public void CreateOnDescribe(RegionalKms kms, string keyId)
    {
        var alias = keyId.StartsWith("arn:", StringComparison.Ordinal) && keyId.Contains(":alias/aws/", StringComparison.Ordinal)
            ? keyId[(keyId.IndexOf(":alias/", StringComparison.Ordinal) + 1)..]
            : keyId;
        if (alias.StartsWith(AwsAliasPrefix, StringComparison.Ordinal) && (!keyId.StartsWith("arn:", StringComparison.Ordinal) || keyId.Contains($":{kms.AccountId}:", StringComparison.Ordinal)))
        {
            Ensure(kms, alias[AwsAliasPrefix.Length..]);
        }
    }

    private KmsKey? Ensure(RegionalKms kms, string service)
    {
        var aliasName = AwsAliasPrefix + service;
        if (kms.FindAlias(aliasName) is { } existing) return existing.Target;
        if (!Services.TryGetValue(service, out var known)) return null;
        var description = known.Description;
        var policy = PolicyDocument.ParseKeyPolicy(KeyPolicy(kms.AccountId, kms.Region, service, known));
        var key = new KmsKey(KeyService.NewKeyId(World.Random), kms.AccountId, kms.Region, Now, KeySpecInfo.Symmetric, "ENCRYPT_DECRYPT", "AWS_KMS", description, policy)
        {
            KeyManager = "AWS",
        };
        key.AddMaterial(KeyMaterial.Generate(World.Random, Now, rotationType: null));
        // AWS managed keys rotate every year, and nobody can turn that off.
        key.RotationEnabled = true;
        key.RotationPeriodInDays = KmsLimits.DefaultRotationPeriodInDays;
        key.RotationBase = Now;
        kms.Add(key);
        kms.AddAlias(new KmsAlias(aliasName, KmsArn.ForAlias(kms.Region, kms.AccountId, aliasName), key, Now));
        World.Schedule(key.NextRotationDate);
        return key;
    }

    /// <summary>The key policy KMS gives <paramref name="service"/>'s AWS managed key (for S3: <c>auto-s3-2</c>): use only through the service, metadata for the account.</summary>
    private static string KeyPolicy(string accountId, string region, string service, ManagedKeyService known)
    {
        static string List(IEnumerable<string> actions) => string.Join(", ", actions.Select(a => $"\"{a}\""));
        var described = known.DescribedBy is not { } describer ? "" : $$"""
            , {
                "Sid" : "{{describer.Sid}}",
                "Effect" : "Allow",
                "Principal" : {
                  "Service" : "{{describer.Service}}"
                },
                "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
                "Resource" : "*"
              }
            """;
        return $$"""
            {
              "Version" : "2012-10-17",
              "Id" : "{{known.PolicyId ?? $"auto-{service}-2"}}",
              "Statement" : [ {
                "Sid" : "{{known.Sid ?? $"Allow access through {service.ToUpperInvariant()} for all principals in the account that are authorized to use {service.ToUpperInvariant()}"}}",
                "Effect" : "Allow",
                "Principal" : {
                  "AWS" : "*"
                },
                "Action" : [ {{List(known.UseActions)}} ],
                "Resource" : "*",
                "Condition" : {
                  "StringEquals" : {
                    "kms:CallerAccount" : "{{accountId}}",
                    "kms:ViaService" : "{{known.ViaService}}.{{region}}.amazonaws.com"
                  }
                }
              }, {
                "Sid" : "Allow direct access to key metadata to the account",
                "Effect" : "Allow",
                "Principal" : {
                  "AWS" : "{{KmsArn.AccountRoot(accountId)}}"
                },
                "Action" : [ {{List(known.RootActions)}} ],
                "Resource" : "*"
              }{{described.TrimEnd()}} ]
            }
            """;
    }

    /// <summary>A service's AWS managed key: its description, the endpoint its policy allows through <c>kms:ViaService</c>, and its policy's wording where the service's guide prints it.</summary>
    private sealed record ManagedKeyService(string Description, string ViaService)
    {
        public string? PolicyId { get; init; }

        public string? Sid { get; init; }

        public IReadOnlyList<string> UseActions { get; init; } = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

        public IReadOnlyList<string> RootActions { get; init; } = ["kms:Describe*", "kms:Get*", "kms:List*"];

        // A service principal the key policy lets describe the key directly, and that statement's Sid.
        public (string Service, string Sid)? DescribedBy { get; init; }
    }
}
