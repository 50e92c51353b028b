using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;
using KmsLab.Services;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of the topic <c>aws-services</c> (lesson 10), shown with the lab's simulated S3 bucket.</summary>
internal static class AwsServicesDemonstrations
{
    [Proves("10.1")]
    internal static async Task<string> S3BindsEachDataKeyToTheObject(Lab lab)
    {
        var key = await CustomerKeyForAsync(lab, Lab.KeyUserName);
        var bucket = lab.CreateS3Bucket("kmslab-reports", new S3BucketEncryption(KmsKeyId: key));
        await bucket.PutObjectAsync("2026/q3.csv", "x"u8.ToArray(), principal: Lab.KeyUserName);
        var context = bucket.HeadObject("2026/q3.csv").EncryptionContext;
        Demonstrate.That(context.Count == 1 && context["aws:s3:arn"] == "arn:aws:s3:::kmslab-reports/2026/q3.csv", $"without a bucket key the context is aws:s3:arn = the object's ARN (got {string.Join(", ", context)})");
        return "SSE-KMS without a bucket key: encryption context aws:s3:arn = arn:aws:s3:::kmslab-reports/2026/q3.csv";
    }

    [Proves("services.bucket-key-context")]
    internal static async Task<string> ABucketKeyChangesTheContextToTheBucket(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var uploader = lab.PrincipalArn(Lab.KeyUserName);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{lab.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "Finance uploads", "Effect": "Allow", "Principal": { "AWS": "{{uploader}}" }, "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
                "Condition": { "StringLike": { "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::reports/finance/*" } } } ] }
            """,
        })).KeyMetadata.Arn;
        var bucket = lab.CreateS3Bucket("reports", new S3BucketEncryption(KmsKeyId: key));
        await bucket.PutObjectAsync("finance/q3.csv", "x"u8.ToArray(), principal: Lab.KeyUserName);
        bucket.Encryption = new S3BucketEncryption(KmsKeyId: key, BucketKeyEnabled: true);
        var refused = await Demonstrate.ThrowsAsync<S3Exception>(() => bucket.PutObjectAsync("finance/q4.csv", "x"u8.ToArray(), principal: Lab.KeyUserName));
        Demonstrate.That(refused.ErrorCode == "AccessDenied" && refused.KmsErrorCode == "AccessDeniedException", $"with a bucket key the upload is refused by KMS (got {refused.ErrorCode}/{refused.KmsErrorCode})");
        var context = lab.AuditTrail.Query(key: key, operation: "GenerateDataKey").Last().RequestParameters?["encryptionContext"]?["aws:s3:arn"]?.GetValue<string>();
        Demonstrate.That(context == "arn:aws:s3:::reports", $"S3 asked for the bucket-level key with the bucket's ARN as context (got {context})");
        return "condition on arn:aws:s3:::reports/finance/*: upload works without a bucket key; with one, S3 sends aws:s3:arn = arn:aws:s3:::reports and KMS refuses";
    }

    [Proves("services.read-denied-by-key")]
    internal static async Task<string> ReadingNeedsTheKeyToo(Lab lab)
    {
        var alice = lab.CreateUser("alice");
        var key = await CustomerKeyForAsync(lab, alice);
        var bucket = lab.CreateS3Bucket("kmslab-hr", new S3BucketEncryption(KmsKeyId: key));
        await bucket.PutObjectAsync("contracts/alice.pdf", "contract"u8.ToArray(), principal: "alice");
        var refused = await Demonstrate.ThrowsAsync<S3Exception>(() => bucket.GetObjectAsync("contracts/alice.pdf", principal: Lab.KeyUserName));
        Demonstrate.That(refused.ErrorCode == "AccessDenied" && refused.KmsErrorCode == "AccessDeniedException", $"S3 answers AccessDenied because KMS refused Decrypt (got {refused.ErrorCode}/{refused.KmsErrorCode})");
        await bucket.GetObjectAsync("contracts/alice.pdf", principal: "alice");
        return "the simulated bucket lets every principal in, yet myKeyUser's GetObject → AccessDenied (KMS: AccessDeniedException); alice, a key user, reads it";
    }

    [Proves("services.aws-managed-key-not-yours")]
    internal static async Task<string> NobodyDisablesAnAwsManagedKey(Lab lab)
    {
        var bucket = lab.CreateS3Bucket("kmslab-logs");
        await bucket.PutObjectAsync("a.log", "x"u8.ToArray(), principal: Lab.KeyUserName);
        var kms = lab.CreateKmsClient();
        var awsS3 = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/s3" })).KeyMetadata;
        Demonstrate.That(awsS3.KeyManager == KeyManagerType.AWS, "aws/s3 is an AWS managed key (KeyManager AWS)");
        await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.DisableKeyAsync(new DisableKeyRequest { KeyId = awsS3.KeyId }));
        await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = awsS3.KeyId }));
        var state = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = awsS3.KeyId })).KeyMetadata.KeyState;
        Demonstrate.That(state == KeyState.Enabled, $"aws/s3 stays Enabled (got {state})");
        return "the account administrator's DisableKey and ScheduleKeyDeletion on aws/s3 are refused; the key stays Enabled";
    }

    [Proves("services.viaservice-direct-denied")]
    internal static async Task<string> ViaServiceAllowsOnlyThroughS3(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{lab.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "Through S3 only", "Effect": "Allow", "Principal": { "AWS": "{{lab.PrincipalArn(Lab.KeyUserName)}}" }, "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
                "Condition": { "StringEquals": { "kms:ViaService": "s3.{{lab.DefaultRegion.SystemName}}.amazonaws.com" } } } ] }
            """,
        })).KeyMetadata.Arn;
        var bucket = lab.CreateS3Bucket("kmslab-uploads", new S3BucketEncryption(KmsKeyId: key));
        await bucket.PutObjectAsync("in.csv", "x"u8.ToArray(), principal: Lab.KeyUserName);
        var direct = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => lab.CreateKmsClient(Lab.KeyUserName).GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 }));
        Demonstrate.That(direct.ErrorCode == "AccessDeniedException", $"the same principal's direct GenerateDataKey is refused (got {direct.ErrorCode})");
        return "kms:ViaService = S3: myKeyUser's upload works, its direct GenerateDataKey → AccessDeniedException";
    }

    [Proves("services.sse-kms-permissions")]
    internal static async Task<string> UploadNeedsGenerateDataKeyAndReadingDecrypt(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        string Policy(string actions) => $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{lab.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "Uploader", "Effect": "Allow", "Principal": { "AWS": "{{lab.PrincipalArn(Lab.KeyUserName)}}" }, "Action": [{{actions}}], "Resource": "*" } ] }
            """;
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = Policy("\"kms:GenerateDataKey\"") })).KeyMetadata.Arn;
        var bucket = lab.CreateS3Bucket("kmslab-uploads", new S3BucketEncryption(KmsKeyId: key));
        await bucket.PutObjectAsync("in.csv", "x"u8.ToArray(), principal: Lab.KeyUserName);
        var read = await Demonstrate.ThrowsAsync<S3Exception>(() => bucket.GetObjectAsync("in.csv", principal: Lab.KeyUserName));
        Demonstrate.That(read.KmsErrorCode == "AccessDeniedException", $"reading back needs kms:Decrypt (got {read.KmsErrorCode})");
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, PolicyName = "default", Policy = Policy("\"kms:GenerateDataKey\", \"kms:Decrypt\"") });
        await bucket.GetObjectAsync("in.csv", principal: Lab.KeyUserName);
        Demonstrate.That(lab.AuditTrail.Query(key: key, operation: "Encrypt").Count == 0, "S3 never called Encrypt");
        return "kms:GenerateDataKey alone: PutObject works, GetObject → AccessDenied; with kms:Decrypt too both work, and S3 never called Encrypt";
    }

    /// <summary>A customer managed key with the console's policy, <paramref name="user"/> as its only key user.</summary>
    private static async Task<string> CustomerKeyForAsync(Lab lab, string user) =>
        (await lab.CreateKmsClient().CreateKeyAsync(new CreateKeyRequest
        {
            Policy = KeyPolicies.Console(lab.AccountId, [lab.PrincipalArn(Lab.KeyManagerName)], [user.StartsWith("arn:", StringComparison.Ordinal) ? user : lab.PrincipalArn(user)]),
        })).KeyMetadata.Arn;
}
