using System.Net;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of <c>exam-bank/kms-basics.json</c>, made to happen on the simulator.</summary>
internal static class KmsBasicsDemonstrations
{
    [Proves("00.3")]
    internal static async Task<string> MissingKeyIsATypedNotFoundException(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var e = await Demonstrate.ThrowsAsync<NotFoundException>(() => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab" }));
        Demonstrate.That(e.StatusCode == HttpStatusCode.BadRequest, $"KMS answers a missing key with HTTP 400, not 404 (it answered {(int)e.StatusCode})");
        return $"DescribeKey of an unknown key ID → NotFoundException (HTTP {(int)e.StatusCode}): catch (NotFoundException) matches it, a test for 404 would not";
    }

    [Proves("01.1")]
    internal static async Task<string> AKeyExistsInOneRegionOnly(Lab lab)
    {
        var east = lab.CreateKmsClient(RegionEndpoint.USEast1);
        var key = (await east.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var blob = (await east.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Demonstrate.Bytes("order 1") })).CiphertextBlob;
        var west = lab.CreateKmsClient(RegionEndpoint.EUWest1);
        await Demonstrate.FailsWithAsync("NotFoundException", () => west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.Arn }));
        await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => west.DecryptAsync(new DecryptRequest { CiphertextBlob = Copy(blob) }));
        var back = await east.DecryptAsync(new DecryptRequest { CiphertextBlob = Copy(blob) });
        Demonstrate.That(back.KeyId == key.Arn, "us-east-1 still decrypts its own ciphertext");
        return "a us-east-1 key: eu-west-1 answers NotFoundException even for its full ARN and cannot decrypt its ciphertext; us-east-1 can";
    }

    [Proves("basics.new-key-defaults")]
    internal static async Task<string> CreateKeyWithNoParameters(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Demonstrate.That(key.KeyState == KeyState.Enabled && key.Enabled == true, $"a new key is Enabled (it is {key.KeyState})");
        Demonstrate.That(key.KeySpec == KeySpec.SYMMETRIC_DEFAULT && key.KeyUsage == KeyUsageType.ENCRYPT_DECRYPT, $"the defaults are SYMMETRIC_DEFAULT and ENCRYPT_DECRYPT (got {key.KeySpec}, {key.KeyUsage})");
        Demonstrate.That(key.Origin == OriginType.AWS_KMS && key.KeyManager == KeyManagerType.CUSTOMER, $"KMS generates the material of a customer managed key (got {key.Origin}, {key.KeyManager})");
        await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Demonstrate.Bytes("at once") });
        return "CreateKey() → Enabled, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT, AWS_KMS, CUSTOMER; Encrypt works at once";
    }

    [Proves("basics.reserved-alias")]
    internal static async Task<string> AliasAwsPrefixIsReserved(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var refused = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/aws/payroll", TargetKeyId = key }));
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/team/payroll", TargetKeyId = key });
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/payroll", TargetKeyId = key });
        return $"CreateAlias alias/aws/payroll → {refused.ErrorCode}; alias/team/payroll and alias/payroll on the same key → created";
    }

    [Proves("basics.describe-key-aliases")]
    internal static async Task<string> ListAliasesNamesTheTargetKey(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/inventory", TargetKeyId = key });
        var aliases = (await kms.ListAliasesAsync(new ListAliasesRequest { KeyId = key })).Aliases;
        Demonstrate.That(aliases.Count == 1 && aliases[0].AliasName == "alias/inventory" && aliases[0].TargetKeyId == key, "ListAliases with the key's ID returns its alias and the TargetKeyId");
        return "ListAliases(KeyId) → alias/inventory with TargetKeyId = the key: where DescribeKey's metadata has no aliases";
    }

    [Proves("basics.alias-in-management-call")]
    internal static async Task<string> ManagementCallsRefuseAliases(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/old-app", TargetKeyId = key });
        await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/old-app", Plaintext = Demonstrate.Bytes("still in use") });
        await Demonstrate.FailsWithAsync("NotFoundException", () => kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = "alias/old-app", PendingWindowInDays = KmsFacts.MinPendingWindowInDays }));
        var resolved = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/old-app" })).KeyMetadata.KeyId;
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = resolved, PendingWindowInDays = KmsFacts.MinPendingWindowInDays });
        var state = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.KeyState;
        Demonstrate.That(state == KeyState.PendingDeletion, $"with the key ID the deletion is scheduled (state {state})");
        return "Encrypt with alias/old-app works; ScheduleKeyDeletion with it → NotFoundException; with the key ID from DescribeKey(alias) → PendingDeletion";
    }

    [Proves("basics.generate-random-size")]
    internal static async Task<string> GenerateRandomHasAFixedCeiling(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        int tooMany = KmsFacts.MaxRandomBytes;
        tooMany++; // a variable: the SDK's analyzer refuses the constant, but the SDK itself would send it
        await Demonstrate.FailsWithAsync("ValidationException", () => kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = tooMany }));
        var first = (await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = KmsFacts.MaxRandomBytes })).Plaintext.ToArray();
        var second = (await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = KmsFacts.MaxRandomBytes })).Plaintext.ToArray();
        Demonstrate.That(first.Length == KmsFacts.MaxRandomBytes && second.Length == KmsFacts.MaxRandomBytes, "each call returns the bytes it asked for");
        Demonstrate.That(!first.AsSpan().SequenceEqual(second), "two calls return different random bytes");
        return $"GenerateRandom({KmsFacts.MaxRandomBytes + 1}) → ValidationException; two calls of {KmsFacts.MaxRandomBytes} → {2 * KmsFacts.MaxRandomBytes} different random bytes";
    }

    [Proves("basics.arn-not-a-secret")]
    internal static async Task<string> KnowingTheArnGrantsNothing(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = Demonstrate.Bytes("production secret") })).CiphertextBlob;
        var stranger = lab.CreateKmsClient($"arn:aws:iam::{lab.PartnerAccountId}:user/{Lab.PartnerAdministratorName}");
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => stranger.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = Demonstrate.Bytes("x") }));
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => stranger.DecryptAsync(new DecryptRequest { KeyId = key.Arn, CiphertextBlob = Copy(blob) }));
        return "another account's administrator, holding the key ARN and a ciphertext: Encrypt and Decrypt → AccessDeniedException";
    }

    [Proves("basics.sdk-access-denied")]
    internal static async Task<string> AccessDeniedHasNoTypedClass(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        var e = await Demonstrate.FailsWithAsync("AccessDeniedException", () => user.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("x") }));
        Demonstrate.That(e.GetType() == typeof(AmazonKeyManagementServiceException), $"the SDK throws the base AmazonKeyManagementServiceException for it (it threw {e.GetType().Name})");
        Demonstrate.That(e.StatusCode == HttpStatusCode.BadRequest, $"the refusal comes with HTTP 400, not 403 (got {(int)e.StatusCode})");
        return "a refused Encrypt → AmazonKeyManagementServiceException (no subclass), ErrorCode AccessDeniedException, HTTP 400";
    }



    private static MemoryStream Copy(MemoryStream blob) => new(blob.ToArray());
}
