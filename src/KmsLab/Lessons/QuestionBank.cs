namespace KmsLab.Lessons;

/// <summary>An exam-style multiple-choice question with its answer and why.</summary>
/// <param name="Id">Stable identifier, e.g. <c>03.2</c>.</param>
/// <param name="Lesson">The lesson number it belongs to (<c>"03"</c>), or <c>"09"</c> for exam-only questions.</param>
/// <param name="Text">The question.</param>
/// <param name="Choices">The choices, lettered A, B, C… in order. A <see cref="Quiz"/> shuffles them, so no
/// choice may refer to another by letter or position ("Both A and B", "All of the above").</param>
/// <param name="Answer">The right letter: in <see cref="QuestionBank"/> where the author wrote the right
/// choice, in a <see cref="Quiz"/> where that quiz shows it.</param>
/// <param name="Explanation">Why the right choice is right and why each near miss is not, naming choices by
/// what they say, never by letter (letters move from one attempt to the next).</param>
public sealed record QuizQuestion(string Id, string Lesson, string Text, IReadOnlyList<string> Choices, char Answer, string Explanation);

/// <summary>
/// Every question of the course: a few per lesson ("check your understanding") and exam-only
/// scenario questions. Lesson 09 asks them all.
/// </summary>
public static class QuestionBank
{
    /// <summary>All questions, in lesson order.</summary>
    public static IReadOnlyList<QuizQuestion> All { get; } =
    [
        // 00 start here
        Q("00.1", "You run a lesson with `kmslab run` and no options. Where do its KMS calls go?",
            ["To real AWS KMS in us-east-1", "To an in-process KMS simulator", "To a KMS server on localhost that you must start first", "Nowhere: the runner only checks that the code compiles"],
            'B', "The default target is the in-process simulator: no account, no network. `--target aws` (KMSLAB_TARGET=aws) asks for real AWS; `kmslab serve` is a separate way to reach the simulator over HTTP."),
        Q("00.2", "Which C# type do the lessons use to talk to KMS?",
            ["A KmsLab wrapper class", "`IAmazonKeyManagementService` from the official AWS SDK", "Raw `HttpClient` calls", "The AWS CLI through `Process.Start`"],
            'B', "Lessons write the same code you would write at work: the official SDK's `IAmazonKeyManagementService`. KmsLab only decides where its requests go."),
        Q("00.3", "Why can a lesson fast-forward a year in one line?",
            ["The simulator's clock is injected and can be advanced", "It changes the computer's clock", "It sleeps for a year", "Real KMS has a test mode for that"],
            'A', "Time in the simulator comes from an injected clock: `lab.Clock.Advance(TimeSpan.FromDays(365))` makes rotations and deletions fall due. Real AWS has no such switch."),
        // 01 first CMK
        Q("01.1", "You create a key in us-east-1 and call DescribeKey on it with a client for eu-west-1. What happens?",
            ["It works: key IDs are global", "NotFoundException: KMS keys are regional", "AccessDeniedException", "KMS copies the key to eu-west-1"],
            'B', "KMS is regional: a key lives in one account and one Region. Another Region's KMS has never heard of it (multi-Region keys are a separate, explicit feature)."),
        Q("01.2", "Which of these does DescribeKey NOT return?",
            ["CreationDate", "KeyState", "The key material", "Origin"],
            'C', "Key material never leaves KMS, under any API. DescribeKey returns metadata: ID, ARN, dates, state, usage, spec, origin, manager, description."),
        Q("01.3", "What is an alias such as `alias/payroll`?",
            ["A second key with the same material", "A friendly name that points at one key and can be re-pointed", "A tag", "The key's ARN in another Region"],
            'B', "An alias is a name for a key in one account and Region. Code can use it as KeyId, and UpdateAlias can point it at a different key without changing that code."),
        // 02 admins and users
        Q("02.1", "The console's key policy gives `myKeyManager` the key-administrator statement only. Which is true?",
            ["myKeyManager can never read data encrypted under the key", "myKeyManager's Encrypt and Decrypt are refused today, but kms:Put* and kms:Create* let them rewrite the key policy or grant themselves Decrypt", "myKeyManager can Decrypt, because administrators can do everything", "myKeyManager can Decrypt only with an encryption context"],
            'B', "The administrators' statement lists management actions (Create*, Describe*, Enable*, Put*, ScheduleKeyDeletion…) and no cryptographic ones, so a direct Encrypt or Decrypt is AccessDeniedException. But kms:PutKeyPolicy (Put*) can add a statement that allows Decrypt, and kms:CreateGrant (Create*) can grant it: separation of duties needs administrators without those actions, or a Deny, and an alarm on PutKeyPolicy and CreateGrant in CloudTrail."),
        Q("02.2", "Which statement in the default key policy lets IAM policies grant access to the key?",
            ["The one whose principal is the account root (`arn:aws:iam::<account>:root`) with `kms:*`", "The key users statement", "None: IAM policies always apply to KMS keys", "The grants statement"],
            'A', "Unlike most AWS resources, a KMS key is only reachable through IAM policies if its key policy allows the account root; then an identity policy in that account can grant access."),
        Q("02.3", "`myKeyUser` is a key user in the console policy. Which call is refused?",
            ["Encrypt", "Decrypt", "GenerateDataKey", "ScheduleKeyDeletion"],
            'D', "Key users get Encrypt, Decrypt, ReEncrypt*, GenerateDataKey* and DescribeKey. Deleting a key is a management action: least privilege keeps it away from users."),
        // 03 encrypt/decrypt
        Q("03.1", "What is the largest plaintext that Encrypt accepts with a symmetric KMS key?",
            ["1 KB", $"4 KB ({KmsFacts.MaxEncryptPlaintextBytes} bytes)", "64 KB", "1 MB"],
            'B', $"Encrypt takes 1 to {KmsFacts.MaxEncryptPlaintextBytes} bytes; {KmsFacts.MaxEncryptPlaintextBytes + 1} bytes is a ValidationException. Anything bigger is encrypted locally with a data key: envelope encryption."),
        Q("03.2", "You encrypted with encryption context {\"tenant\":\"acme\"}. Decrypt is called with no context. What happens?",
            ["It works: context is optional on Decrypt", "InvalidCiphertextException", "AccessDeniedException", "It returns the plaintext and a warning"],
            'B', "The context is authenticated data, not stored in the ciphertext: Decrypt must supply exactly the same pairs, or the ciphertext does not authenticate."),
        Q("03.3", "Why does Decrypt of a symmetric ciphertext not need a KeyId?",
            ["KMS tries every key in the account", "The ciphertext blob names the key (and the key-material version) that made it", "It uses the default key", "It does need one"],
            'B', "Symmetric ciphertext is self-describing. Passing a KeyId is still good practice: if it differs from the one in the blob, KMS refuses (IncorrectKeyException)."),
        // 04 envelope
        Q("04.1", "In envelope encryption, what do you store next to the encrypted file?",
            ["The plaintext data key", "The encrypted data key (CiphertextBlob from GenerateDataKey)", "The KMS key's material", "Nothing: KMS keeps the data key"],
            'B', "You keep the data key only in its encrypted form, beside the data. To decrypt, KMS decrypts the data key, and you decrypt the data locally."),
        Q("04.2", "You encrypt a 1 GB file with envelope encryption. About how many KMS calls does it take?",
            ["One (GenerateDataKey)", "About 262,144 (one per 4 KB)", "One per MB", "None"],
            'A', "KMS produces one data key; the gigabyte is encrypted locally with AES-GCM. Direct Encrypt would need a call per 4 KB — and send all the data to KMS."),
        Q("04.3", "After encrypting locally with the plaintext data key, what should you do with it?",
            ["Store it in a config file", "Erase it from memory", "Send it to CloudTrail", "Encrypt it again with the same data key"],
            'B', "Use the plaintext data key, then wipe it (CryptographicOperations.ZeroMemory). The encrypted copy is all you keep."),
        // 05 rotation
        Q("05.1", "Automatic rotation is enabled with the default period. A year later, what happens to ciphertext made before the rotation?",
            ["It must be re-encrypted before it can be decrypted", "It still decrypts: older key material is kept", "It is deleted", "It decrypts only with the old key ID"],
            'B', "Rotation adds new key material; all older material stays and decrypts what it encrypted. The key ID, ARN, aliases and policy do not change."),
        Q("05.2", "Which rotation periods can EnableKeyRotation set?",
            ["1–365 days", $"{KmsFacts.MinRotationPeriodInDays}–{KmsFacts.MaxRotationPeriodInDays} days", $"{KmsFacts.MinPendingWindowInDays}–{KmsFacts.MaxPendingWindowInDays} days", "Only 365 days"],
            'B', $"RotationPeriodInDays accepts {KmsFacts.MinRotationPeriodInDays} to {KmsFacts.MaxRotationPeriodInDays} days; the default is {KmsFacts.DefaultRotationPeriodInDays}."),
        Q("05.3", "How many times can you call RotateKeyOnDemand on one key?",
            ["Once a day", $"{KmsFacts.MaxOnDemandRotationsPerKey} times in the key's life", "Unlimited", "Only when automatic rotation is off"],
            'B', $"On-demand rotation works whether or not automatic rotation is on, up to {KmsFacts.MaxOnDemandRotationsPerKey} times per key."),
        // 06 lifecycle
        Q("06.1", "What waiting periods does ScheduleKeyDeletion accept?",
            ["0–30 days", $"{KmsFacts.MinPendingWindowInDays}–{KmsFacts.MaxPendingWindowInDays} days (default {KmsFacts.DefaultPendingWindowInDays})", "1–7 days", $"{KmsFacts.MinRotationPeriodInDays}–{KmsFacts.MaxRotationPeriodInDays} days"],
            'B', $"PendingWindowInDays is {KmsFacts.MinPendingWindowInDays} to {KmsFacts.MaxPendingWindowInDays} days, default {KmsFacts.DefaultPendingWindowInDays}: time to notice a mistake. There is no way to delete a KMS key immediately."),
        Q("06.2", "You cancel a scheduled deletion. In which state is the key?",
            ["Enabled", "Disabled", "PendingDeletion", "PendingImport"],
            'B', "CancelKeyDeletion leaves the key Disabled, whatever it was before; you enable it again deliberately."),
        Q("06.3", "The key's deletion date passes. What happens to data encrypted under it?",
            ["KMS re-encrypts it under a backup key", "It can never be decrypted again (crypto-shredding)", "It decrypts for 30 more days", "AWS Support can restore the key"],
            'B', "Once deleted, the key material is gone and so is every way to decrypt. That is why deletion waits, and why disabling is the safer first step."),
        // 07 asymmetric
        Q("07.1", "Which operation gives you the public half of an asymmetric KMS key?",
            ["DescribeKey", "GetPublicKey", "ExportKey", "GenerateDataKeyPair"],
            'B', "GetPublicKey returns the DER-encoded SubjectPublicKeyInfo. The private key never leaves KMS; anyone can verify signatures or encrypt offline with the public key."),
        Q("07.2", "An HMAC_256 key is created with which KeyUsage?",
            ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"],
            'C', "HMAC keys must be created with KeyUsage GENERATE_VERIFY_MAC; they are used with GenerateMac and VerifyMac."),
        Q("07.3", "You create a key with Origin EXTERNAL. In which state does it start?",
            ["Enabled", "Disabled", "PendingImport", "PendingDeletion"],
            'C', $"A key for imported material has none until you import it: GetParametersForImport gives a wrapping public key and an import token (valid {KmsFacts.ImportParametersValidHours} hours), then ImportKeyMaterial enables the key."),
        // 08 auditing
        Q("08.1", "What does a CloudTrail record of a KMS Decrypt call never contain?",
            ["The caller's ARN", "The encryption context", "The plaintext", "The key ARN"],
            'C', "CloudTrail records who, when, which key, the encryption context and the outcome — never plaintext, ciphertext or keys."),
        Q("08.2", "Someone's Decrypt was refused. Where does that show?",
            ["Nowhere: only successful calls are logged", "In CloudTrail, with errorCode AccessDeniedException", "Only in the caller's application logs", "In the key policy"],
            'B', "Every call is recorded, allowed or denied; failed calls carry errorCode and errorMessage."),
        Q("08.3", "Why is a meaningful encryption context useful in audits?",
            ["It makes ciphertext shorter", "It appears in CloudTrail, telling you which record or object was decrypted", "It hides the caller", "It is required by CloudTrail"],
            'B', "The context is logged in requestParameters, so an audit can answer not only who used the key but for what."),
        // 10 services
        Q("10.1", "S3 encrypts an object with SSE-KMS. Which encryption context does it send to KMS (without a bucket key)?",
            ["None", "{\"aws:s3:arn\": the object's ARN}", "{\"bucket\": the bucket name}", "The object's content hash"],
            'B', "S3 binds each data key to the object with the context aws:s3:arn = arn:aws:s3:::bucket/key; with an S3 Bucket Key, the bucket's ARN."),
        Q("10.2", "Which condition key lets a key policy allow use only through a given AWS service?",
            ["aws:SourceIp", "kms:ViaService", "kms:CallerAccount", "kms:GrantIsForAWSResource"],
            'B', "kms:ViaService is set when a service such as S3 calls KMS on a principal's behalf, e.g. s3.us-east-1.amazonaws.com; the AWS managed key aws/s3 relies on it."),
        Q("10.3", "What does an S3 Bucket Key change?",
            ["Objects are no longer encrypted", "S3 asks KMS for a bucket-level key and derives object keys itself, so far fewer KMS requests", "Each object gets its own KMS key", "The key policy"],
            'B', "With a bucket key, S3 calls KMS for a time-limited bucket-level key instead of once per object: fewer requests, lower cost, and the context becomes the bucket ARN."),
        // 09 exam-only scenarios
        Q("09.1", "An application must encrypt 10 MB PDF files with KMS. Which approach is right?",
            ["Call Encrypt on each 4 KB chunk", "GenerateDataKey, encrypt the file locally, store the encrypted data key with it", "Raise the Encrypt limit with a quota request", "Use GenerateRandom as the key and store it in plaintext"],
            'B', $"Envelope encryption: one KMS call, local AES-GCM, the encrypted data key kept beside the file. The {KmsFacts.MaxEncryptPlaintextBytes}-byte Encrypt limit is fixed."),
        Q("09.2", "A security team must be able to disable a key immediately but never read data. What do they need?",
            ["kms:DisableKey (and kms:ScheduleKeyDeletion) in the key policy, and no kms:PutKeyPolicy, kms:CreateGrant or kms:Decrypt", "The console's key-administrator statement: administrators never use keys", "kms:*", "kms:Decrypt only"],
            'A', "Least privilege: DisableKey and ScheduleKeyDeletion need no cryptographic use of the key. The console's administrator statement is a near miss: its kms:Put* and kms:Create* let a member rewrite the key policy or grant themselves Decrypt, so it does not guarantee they never read data."),
        Q("09.3", "A key was scheduled for deletion 5 days ago by mistake (window 30 days). What should you do?",
            ["Nothing can be done", "CancelKeyDeletion, then EnableKey", "Import the key material again", "Create a new key with the same ID"],
            'B', "During the window the deletion can be cancelled; the key comes back Disabled and needs EnableKey."),
        Q("09.4", "What does a customer managed KMS key cost, roughly?",
            ["Nothing", $"{Fact(nameof(KmsFacts.KeyPerMonthUsd))} per month, plus {Fact(nameof(KmsFacts.SymmetricRequestsPer10kUsd))} per 10,000 symmetric requests beyond the free tier", "$1 per request", "$100 per year flat"],
            'B', $"About {Fact(nameof(KmsFacts.KeyPerMonthUsd))} per key-month (keys pending deletion are not billed), plus {Fact(nameof(KmsFacts.RotationPerMonthUsd))} a month for each of its first {KmsFacts.ChargedRotationsPerKey} rotations (later rotations are free), and {Fact(nameof(KmsFacts.SymmetricRequestsPer10kUsd))} per 10,000 symmetric requests after {Fact(nameof(KmsFacts.FreeRequestsPerMonth))} free requests a month; most asymmetric requests cost {Fact(nameof(KmsFacts.AsymmetricRequestsPer10kUsd))} per 10,000. Source: {KmsFacts.Sources.Pricing}."),
        Q("09.5", "You must prove that data can no longer be decrypted after a customer leaves. What is the cleanest approach?",
            ["Delete the ciphertext from every backup", "Encrypt that customer's data under its own KMS key and schedule that key's deletion", "Rotate the key", "Disable CloudTrail"],
            'B', "Crypto-shredding: once the key is deleted, every copy of the ciphertext — backups included — is unreadable."),
        Q("09.6", "Which is true of automatic rotation of a symmetric customer managed key?",
            ["The key ID changes every year", "Applications must be updated after each rotation", "Nothing changes for callers: same key ID, ARN and aliases; new encryptions use the new material", "Old ciphertext must be re-encrypted within 30 days"],
            'C', "Rotation is transparent to callers. ReEncrypt is only needed if you want old data under new material or another key."),
    ];

    /// <summary>The questions of one lesson (<c>"03"</c> or <c>"03-encrypt-decrypt"</c>).</summary>
    public static IReadOnlyList<QuizQuestion> ForLesson(string lesson)
    {
        var number = lesson.Length >= 2 ? lesson[..2] : lesson;
        return All.Where(q => q.Lesson == number).ToList();
    }

    /// <summary>A fact as a learner reads it (<c>$0.03</c>, <c>20,000</c>), whatever the machine's culture.</summary>
    private static string Fact(string name) => KmsFacts.Get(name).Display;

    private static QuizQuestion Q(string id, string text, string[] choices, char answer, string explanation) =>
        new(id, id[..2], text, choices, answer, explanation);
}
