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
    // Each question is a scenario with one right choice and near misses: what a learner who half-knows
    // the topic would pick. The explanation says why the right choice is right and why each near miss is
    // not, naming choices by what they say, never by letter: a Quiz shuffles them on every attempt. The
    // right choice stands wherever its author wrote it; nothing depends on its position. Numbers come from
    // KmsFacts (FactsInProseTests checks the explanations).

    /// <summary>All questions, in lesson order.</summary>
    public static IReadOnlyList<QuizQuestion> All { get; } =
    [
        // 00 start here
        Q("00.1", "A company's developers keep an AES master key in a configuration file. The security team wants a service that generates the key, never lets it leave, performs the cryptographic operations under it on request, and records every use. Which service fits?",
            ["AWS Secrets Manager: store the AES key as a secret and fetch it when the application starts",
             "AWS KMS: the key is created and kept inside KMS, and applications send it data to encrypt or ask it for data keys",
             "AWS Certificate Manager: it creates and renews the keys behind TLS certificates",
             "Amazon S3 with SSE-S3: keep the key file in a bucket that encrypts it at rest"],
            'B', "KMS creates and guards keys and uses them for you: no API returns a KMS key's material, and CloudTrail records each call. Secrets Manager is the near miss: it stores secrets well, but the application fetches the key's bytes, so the key leaves and is used outside any service. Certificate Manager manages TLS certificates, not keys for your data. SSE-S3 encrypts the file at rest, but whoever reads the object gets the plaintext key."),
        Q("00.2", $"An application needs {KmsFacts.Aes256DataKeyBytes} random bytes for a one-time token, from a generator the security team trusts. It has no KMS key and must not create one. Which call fits?",
            [$"GenerateRandom with NumberOfBytes = {KmsFacts.Aes256DataKeyBytes}",
             "GenerateDataKey with KeySpec AES_256, keeping its Plaintext",
             $"GenerateDataKeyWithoutPlaintext with NumberOfBytes = {KmsFacts.Aes256DataKeyBytes}",
             $"Encrypt {KmsFacts.Aes256DataKeyBytes} zero bytes and use the ciphertext"],
            'A', $"GenerateRandom needs no key: it returns 1 to {KmsFacts.MaxRandomBytes} bytes from KMS's hardware-backed generator. GenerateDataKey also returns random bytes, but it needs a KMS key (its job is a data key with an encrypted copy). GenerateDataKeyWithoutPlaintext needs a key too and returns no plaintext at all. A ciphertext is not uniformly random: it carries a header naming the key, and it needs a key as well."),
        Q("00.3", "A C# service calls DescribeKey with a key ID from its configuration. If no such key exists in its account and Region it must log \"check the configured key\" and go on; every other error must propagate. Which code does that with the AWS SDK for .NET?",
            ["`catch (NotFoundException)` around the call",
             "`catch (AmazonKeyManagementServiceException e) when (e.StatusCode == HttpStatusCode.NotFound)`",
             "Check whether `response.KeyMetadata` is null after the call",
             "`catch (KeyUnavailableException)` around the call"],
            'A', "The SDK throws a typed exception for each error an operation documents, named after KMS's error code: a missing key is NotFoundException. Testing for HTTP 404 is the near miss: KMS answers client errors, this one included, with HTTP 400 and puts the reason in the error code. The SDK never returns a response without metadata for a missing key; it throws. KeyUnavailableException means the key exists but KMS cannot use it right now, a server-side error to retry."),
        // 01 first CMK
        Q("01.1", "A team creates a KMS key in us-east-1 and encrypts data under it. Its disaster-recovery copy of the application in eu-west-1 calls Decrypt on that data with an eu-west-1 client. What happens?",
            ["It fails: the key exists only in us-east-1; decrypt through us-east-1, or use a multi-Region key replicated to eu-west-1",
             "It works: key IDs are unique, so any Region of the account finds the key",
             "It works once the key policy allows the eu-west-1 application's role",
             "It works if eu-west-1 has an alias with the same name pointing at a key there"],
            'A', "KMS is regional: a key lives in one account and one Region, and another Region's KMS has never heard of it. Permissions are the near miss: a policy can only allow use of a key the Region has. An alias is a name in one Region; one with the same name in eu-west-1 points at a different key with different material, which cannot decrypt the data. Multi-Region keys are the explicit feature for this."),
        Q("01.2", "An auditor asks the team to export the key material of a customer managed key (Origin AWS_KMS) so that a copy can be kept in the company's offline vault. What is the right answer?",
            ["It cannot be done: no KMS API returns a KMS key's material; a key whose material you must also hold is made with Origin EXTERNAL, importing material you generated and kept",
             "Call GetParametersForImport: it returns the key material wrapped under a public key",
             "Call GenerateDataKey and keep its Plaintext: that is the key's material",
             "Call GetPublicKey: it returns the key material of a symmetric key in DER form"],
            'A', "Key material never leaves KMS, under any API; DescribeKey returns only metadata. GetParametersForImport is the near miss: it works the other way, giving you a wrapping key and token to send material in, and only for an EXTERNAL key. A data key is a different, new key that KMS makes for you to use outside. GetPublicKey exists only for asymmetric keys, and returns only the public half."),
        Q("01.3", "Code encrypts with KeyId `alias/payroll`. The team wants new encryptions to use a newly created key without redeploying the code, while data encrypted before keeps decrypting. What should they do?",
            ["UpdateAlias to point alias/payroll at the new key, and keep the old key enabled",
             "DeleteAlias, CreateAlias on the new key, then schedule the old key's deletion",
             "Tag the new key with Name = payroll: the code then finds it",
             "Enable automatic rotation on the old key: the alias then moves to a new key"],
            'A', "An alias is a re-pointable name for one key in one account and Region, and UpdateAlias re-points it in one call. The ciphertext names the key that made it, not the alias, so the old key must stay enabled for old data. Re-creating the alias works, but deleting the old key makes everything encrypted under it undecryptable. A tag is not a name KeyId accepts. Rotation keeps the same key and adds material; no alias moves."),
        // 02 admins and users
        Q("02.1", "A key has the console's default key policy: `myKeyManager` is in the key-administrator statement only, `myKeyUser` in the key-user statement. A design document says myKeyManager \"can never read data encrypted under the key\". Which statement is accurate?",
            ["True: the administrator statement has no cryptographic actions, so myKeyManager can never decrypt",
             "Their Encrypt and Decrypt are refused today, but kms:Put* and kms:Create* let them rewrite the key policy or grant themselves Decrypt",
             "myKeyManager can already decrypt: the administrator statement allows kms:*",
             "myKeyManager can decrypt once they call EnableKey, which kms:Enable* allows"],
            'B', "The administrators' statement lists management actions (Create*, Describe*, Enable*, Put*, ScheduleKeyDeletion…) and no cryptographic ones, so a direct Encrypt or Decrypt is AccessDeniedException. That is why \"never\" is the near miss: kms:PutKeyPolicy (Put*) can add a statement that allows Decrypt, and kms:CreateGrant (Create*) can grant it. Separation of duties needs administrators without those actions, or a Deny, and an alarm on PutKeyPolicy and CreateGrant in CloudTrail. kms:* is the account root's statement, not the administrators'. EnableKey changes the key's state, not who may use it."),
        Q("02.2", "Role AppRole has an IAM policy that allows kms:Decrypt on a key's ARN, yet its Decrypt calls get AccessDeniedException. The key policy has one statement: it allows the key administrators' role kms:*. Which change lets IAM policies control access to this key?",
            ["Add a key policy statement that allows the account root (`arn:aws:iam::<account>:root`) kms:*",
             "Wait: IAM policy changes can take up to a day to reach KMS",
             "Change the IAM policy's Resource to `*`: KMS ignores IAM statements that name a key ARN",
             "Add the role to the key's aliases"],
            'A', "A KMS key is reachable through IAM policies only if its key policy allows the account root; that statement does not give everyone access, it lets identity policies in the account grant it. Without it the key policy alone decides, and it names only the administrators. IAM changes usually take effect within seconds, not a day. Naming the key ARN in an IAM policy is exactly right once the root statement is there. Aliases are names, not permissions."),
        Q("02.3", "An application role must encrypt and decrypt with a key but must not be able to change, disable or delete it. Which key-policy statement for the role follows least privilege?",
            ["kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey* and kms:DescribeKey: the console's key-user statement",
             "The key-administrator statement plus kms:Encrypt and kms:Decrypt",
             "kms:* with a Deny on kms:ScheduleKeyDeletion",
             "kms:Encrypt and kms:Decrypt in the role's IAM policy only, on a key whose key policy has no account-root statement"],
            'A', "Key users get the cryptographic actions and DescribeKey, nothing that manages the key. The administrator statement is the near miss: it includes Disable*, Put* and ScheduleKeyDeletion. kms:* with one Deny still allows DisableKey and PutKeyPolicy, and PutKeyPolicy can remove the Deny. An IAM policy alone does not count when the key policy does not allow the account root, so the role could not encrypt at all."),
        // 03 encrypt/decrypt
        Q("03.1", "An application must encrypt customer records of up to 10 KB each under a KMS key. Which solution works and keeps KMS requests to a minimum?",
            ["GenerateDataKey, encrypt each record locally with the data key, and store the encrypted data key with it",
             "Ask for a quota increase of Encrypt's plaintext size, then Encrypt each record",
             "Split each record into chunks that fit Encrypt's limit and Encrypt each chunk",
             "Create the key as RSA_4096, which takes larger plaintexts than a symmetric key"],
            'A', $"Encrypt takes 1 to {KmsFacts.MaxEncryptPlaintextBytes} bytes under a symmetric key; {KmsFacts.MaxEncryptPlaintextBytes + 1} bytes is a ValidationException. That size is not a quota (quotas limit requests per second), so no increase exists. Chunking works but costs several requests per record and sends all the data to KMS. RSA keys take far less, not more: RSA_2048 with OAEP SHA-256 takes at most {KmsFacts.MaxRsa2048OaepSha256PlaintextBytes} bytes. Envelope encryption costs one request and keeps the data local."),
        Q("03.2", "A multi-tenant application encrypts each record with the encryption context {\"tenant\": \"<tenant id>\"} and decrypts it with the context of the row it is read from. An attacker copies a record of tenant acme into a row of tenant globex. What happens when the application reads that row?",
            ["Decrypt fails (InvalidCiphertextException): the context is authenticated data and must match exactly",
             "Decrypt succeeds: the context is stored in the ciphertext, and KMS uses the stored one",
             "Decrypt succeeds: the context is only written to CloudTrail, never checked",
             "Decrypt fails with AccessDeniedException, because KMS checks that the caller belongs to the tenant"],
            'A', "The encryption context is additional authenticated data: it is bound to the ciphertext but not stored in it, so Decrypt must supply exactly the same pairs or the ciphertext does not authenticate. It is logged in CloudTrail too, which is why it must not be secret, but logging is not all it does. An AccessDeniedException would need a key policy condition on the context; by itself KMS knows nothing of tenants."),
        Q("03.3", "A service decrypts symmetric ciphertext taken from a queue and passes no KeyId to Decrypt. A reviewer asks how KMS knows the key, and whether the code should pass one. Which answer is correct?",
            ["The ciphertext blob names the key that made it, so no KeyId is needed; passing the expected key's ARN is still good practice, because KMS then refuses ciphertext made under any other key",
             "KMS tries each key the caller may use until one decrypts; a KeyId only makes it faster",
             "Without a KeyId KMS uses the account's default key, so customer managed keys always need one",
             "The encryption context names the key; KeyId is ignored for symmetric ciphertext"],
            'A', "Symmetric ciphertext is self-describing: the blob carries the key (and the key material version) that made it. A KeyId is optional, not ignored: if it differs from the key in the blob, KMS refuses with IncorrectKeyException, so a service cannot be tricked into decrypting with a key it did not expect. KMS never tries keys one by one, and there is no default key for Decrypt. The context is authenticated data, not a key reference."),
        // 04 envelope
        Q("04.1", "An application encrypts 50 MB video files with envelope encryption under a KMS key. What should it store next to each encrypted file?",
            ["The encrypted data key (GenerateDataKey's CiphertextBlob)",
             "The plaintext data key, in a separate bucket with stricter access",
             "Both the plaintext and the encrypted data key, so decrypting needs no KMS request",
             "Nothing: KMS keeps each data key and returns it by key ID"],
            'A', "Keep the data key only in its encrypted form, beside the data: to decrypt, KMS decrypts the data key and you decrypt the file locally. Storing the plaintext key anywhere, even in a stricter bucket, makes the data's protection that bucket's, not the KMS key's: no key policy, no audit of each use. KMS keeps no data keys; it makes them and forgets them."),
        Q("04.2", $"A pipeline encrypts one 1 GB file under a KMS key with envelope encryption and later decrypts it once. How many KMS requests does that take, and how much of the file travels to KMS?",
            ["Two requests (GenerateDataKey, then Decrypt of the data key) and none of the file",
             "Two requests, and the whole file, streamed to KMS",
             $"One request per {KmsFacts.MaxEncryptPlaintextBytes / 1024} KB each way, and the whole file",
             "One request (GenerateDataKey): decryption is local and needs no KMS request"],
            'A', $"KMS makes one data key and later decrypts it; the gigabyte is encrypted and decrypted locally with AES-GCM and never leaves. Decryption does need KMS, to turn the encrypted data key back into a key, which is the near miss. A request per {KmsFacts.MaxEncryptPlaintextBytes / 1024} KB is what direct Encrypt would cost, sending all the data to KMS."),
        Q("04.3", "A developer has just encrypted a file locally with the Plaintext of GenerateDataKey. What should the code do with the two halves of the data key?",
            ["Store the CiphertextBlob with the file and erase the plaintext key from memory (CryptographicOperations.ZeroMemory)",
             "Store the plaintext key in Secrets Manager and discard the CiphertextBlob",
             "Keep the plaintext key in a static field and reuse it for every file the process ever writes",
             "Encrypt the plaintext key again with Encrypt under the same KMS key, and store both blobs"],
            'A', "Use the plaintext data key, then wipe it; the encrypted copy is all you keep, and only KMS can open it. Secrets Manager would make a second place holding the key in usable form. Reusing one plaintext key for ever saves requests but leaves a key in memory that protects everything; data key caching, if used, bounds a key's age and use. A second blob adds a request and nothing else: GenerateDataKey already gave you one."),
        // 05 rotation
        Q("05.1", "A company enables automatic rotation on a key that protects archived records. A year later an auditor asks what must be done about the records encrypted before the rotation. What is correct?",
            ["Nothing: KMS keeps all older key material and decrypts old records with it; the key ID, ARN, aliases and policy are unchanged",
             "They must be re-encrypted with ReEncrypt, or Decrypt fails once the next rotation happens",
             "They decrypt only when Decrypt names the previous key ID, which rotation created",
             "Applications must switch to the new key ARN that rotation created"],
            'A', "Rotation adds new key material that new encryptions use; every older version stays and decrypts what it encrypted, for as long as the key exists. Nothing changes for callers: same key ID, ARN, aliases and policy, so there is no previous key ID and no new ARN. ReEncrypt is for moving data to another key or context, not a duty that rotation creates."),
        Q("05.2", "Compliance requires the material of a customer managed key to rotate every 180 days, with the least operational effort. What should the team do?",
            ["EnableKeyRotation with RotationPeriodInDays = 180",
             "Schedule a function that calls RotateKeyOnDemand every 180 days",
             "Nothing can do that: automatic rotation is always yearly, so create a new key every 180 days and move the alias",
             "EnableKeyRotation with no period: KMS picks the shortest period its compliance rules allow"],
            'A', $"RotationPeriodInDays accepts {KmsFacts.MinRotationPeriodInDays}–{KmsFacts.MaxRotationPeriodInDays} days (default {KmsFacts.DefaultRotationPeriodInDays}), so the schedule is one call and KMS keeps it. Yearly-only rotation is how KMS used to work, which makes that the near miss today. A scheduled on-demand rotation is code to run and watch, and RotateKeyOnDemand is limited to {KmsFacts.MaxOnDemandRotationsPerKey} times per key. Without a period, KMS uses the default, not the shortest."),
        Q("05.3", "A key's material may have been exposed. Automatic rotation is on with the default period. The team wants every new encryption to use fresh material now. What should it do?",
            ["RotateKeyOnDemand: it rotates at once, whether or not automatic rotation is on",
             "ReEncrypt every ciphertext under the same key: that moves it to fresh material",
             "Call EnableKeyRotation again with a shorter RotationPeriodInDays: rotation then happens at once",
             "Nothing: a key with automatic rotation can only rotate on its schedule"],
            'A', $"On-demand rotation adds new material immediately, up to {KmsFacts.MaxOnDemandRotationsPerKey} times per key, and leaves the automatic schedule as it is. ReEncrypt is the near miss: under the same key it uses the newest material, which until a rotation is still the exposed one (after rotating, ReEncrypt is how old data moves to the new material). A shorter period changes when the next rotation falls due, not whether one happens now."),
        // 06 lifecycle
        Q("06.1", "An administrator must delete a key of a decommissioned application as soon as KMS allows. What is the fastest way?",
            [$"ScheduleKeyDeletion with PendingWindowInDays = {KmsFacts.MinPendingWindowInDays}",
             "ScheduleKeyDeletion with PendingWindowInDays = 0, which deletes at once",
             $"ScheduleKeyDeletion with no window: the default is the minimum, {KmsFacts.MinPendingWindowInDays} days",
             "DisableKey: KMS deletes keys that stay disabled for a month"],
            'A', $"PendingWindowInDays is {KmsFacts.MinPendingWindowInDays}–{KmsFacts.MaxPendingWindowInDays} days (default {KmsFacts.DefaultPendingWindowInDays}): time to notice a mistake, during which the key is unusable and not billed. There is no way to delete a KMS key at once, so a zero window is refused. Leaving the window out gives the default, the longest, not the shortest. A disabled key is kept, and billed, for as long as you like."),
        Q("06.2", "A key was scheduled for deletion by mistake. The on-call engineer calls CancelKeyDeletion, but the application's Decrypt calls still fail with DisabledException. Why, and what fixes it?",
            ["A cancelled deletion leaves the key Disabled: call EnableKey",
             "The key stays PendingDeletion until the waiting period ends: wait for it",
             "Cancelling gave the key a new key ID: update the application's configuration",
             "Scheduling the deletion deleted the key's aliases: create them again"],
            'A', "CancelKeyDeletion leaves the key Disabled, whatever it was before, so that re-enabling it is a deliberate act: EnableKey makes it usable again. The cancellation takes effect at once, so nothing is left to wait for. The key keeps its ID, ARN, material and aliases through all of it."),
        Q("06.3", "A security engineer suspects a key is being misused and must stop all use of it now, keeping the option of restoring it for as long as the investigation takes. What should they do?",
            ["DisableKey: all cryptographic use stops at once, and EnableKey restores it",
             $"ScheduleKeyDeletion with the {KmsFacts.MinPendingWindowInDays}-day window, and cancel it if the suspicion is wrong",
             "Delete the key's aliases so that applications can no longer find it",
             "RotateKeyOnDemand so that the misused material is retired"],
            'A', "Disabling is the emergency brake: immediate, complete and reversible, with no deadline. Scheduling deletion also stops use, but the investigation then races the waiting period, and if it is forgotten the key and everything encrypted under it are gone. Removing aliases does not stop callers who use the key ID or ARN. Rotation keeps the old material usable for decryption, and new encryptions go on."),
        // 07 asymmetric
        Q("07.1", "A company signs firmware with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY). Devices in the field have no AWS credentials and must verify signatures offline. What should ship with the devices?",
            ["The public key from GetPublicKey (DER SubjectPublicKeyInfo), used with a standard ECDSA library",
             "Nothing: the devices call Verify in KMS",
             "The key's ARN, so that each device calls GetPublicKey at boot",
             "An HMAC key, so that devices check GenerateMac tags instead of signatures"],
            'A', "The private key never leaves KMS; the public key can be shared freely, and anyone holding it verifies offline with ordinary ECDSA. Verify and GetPublicKey are KMS calls, which need credentials and a network the devices lack. HMAC is the near miss: checking a MAC takes the same secret key that makes one, so every device could forge firmware tags."),
        Q("07.2", "Two of a company's services must prove that the webhook payloads they exchange were not altered. The key must never leave KMS, and both services can call KMS. The team creates a key with KeySpec HMAC_256. Which KeyUsage and operations?",
            ["GENERATE_VERIFY_MAC, with GenerateMac and VerifyMac",
             "SIGN_VERIFY, with Sign and Verify",
             "ENCRYPT_DECRYPT, with Encrypt: a ciphertext that decrypts proves integrity",
             "GENERATE_VERIFY_MAC, with GenerateMac in KMS and the HMAC checked in the receiving service's own code"],
            'A', "HMAC keys must be created with KeyUsage GENERATE_VERIFY_MAC and are used with GenerateMac and VerifyMac; a key has one usage, and any other operation is InvalidKeyUsageException. Sign and Verify belong to asymmetric keys. An HMAC_256 key cannot encrypt. Checking the HMAC locally would need the key's bytes, which never leave KMS: VerifyMac checks it inside KMS."),
        Q("07.3", "A regulator requires a company to generate key material in its own HSM, and that material must become unusable in AWS on the contract's end date unless the company imports it again. Which approach?",
            ["Create a key with Origin EXTERNAL and import the material with ExpirationModel KEY_MATERIAL_EXPIRES and ValidTo set to that date",
             "Create a key with Origin AWS_KMS and schedule its deletion for that date",
             "Create a key with Origin EXTERNAL and import with KEY_MATERIAL_DOES_NOT_EXPIRE: imported material always expires after a year",
             "Import the HSM's material into an existing AWS_KMS key with GetParametersForImport and ImportKeyMaterial"],
            'A', $"A key for imported material starts PendingImport: GetParametersForImport gives a wrapping public key and an import token (valid {KmsFacts.ImportParametersValidHours} hours), and ImportKeyMaterial brings the key to Enabled, with an expiry if you ask. When the material expires KMS deletes it and the key waits in PendingImport until the same material is imported again. An AWS_KMS key's material was not generated by the company, and a deletion can be scheduled at most {KmsFacts.MaxPendingWindowInDays} days ahead, not for a contract date. Material imported without expiry never expires. Only EXTERNAL keys accept imported material."),
        // 08 auditing
        Q("08.1", "After an incident, a security team must find out which records an application decrypted last week under the payroll key. What does CloudTrail give them?",
            ["For each Decrypt: the caller, the time, the key ARN and the encryption context, so a context naming the record says which; never the plaintext",
             "The plaintext of each decrypted record, in the event's responseElements",
             "The ciphertext blob of each Decrypt, to match against the database",
             "Only how many Decrypt calls there were each hour"],
            'A', "CloudTrail records who, when, which key, the encryption context and the outcome of every KMS call, never plaintext, ciphertext or keys. So the record tells them which data only through the context the application chose to send. Counts per hour are what metrics give, and CloudTrail gives far more."),
        Q("08.2", "A user reports that their Decrypt calls under a key were refused yesterday. Where can an administrator see those attempts?",
            ["In CloudTrail: refused calls are recorded too, with errorCode AccessDeniedException and an errorMessage",
             "Nowhere in AWS: CloudTrail records only calls that succeeded",
             "In the CloudTrail console's event history filtered on Read-only = false, because a refused call is a write",
             "Only in the application's own logs, which hold the SDK's exception"],
            'A', "Every KMS call is recorded, allowed or denied; failed calls carry errorCode and errorMessage. The filter is the near miss: Decrypt, Encrypt and GenerateDataKey are read-only events, so Read-only = false hides exactly the calls being looked for. The application's logs may hold the exception too, but only CloudTrail shows every caller's attempts."),
        Q("08.3", "A company wants its CloudTrail records to say which customer file each Decrypt was for, without logging anything secret. What should the application do?",
            ["Send an encryption context naming the file, e.g. {\"file\": \"payroll-2026-11.csv\"}, on Encrypt and Decrypt",
             "Put the file name in the KMS key's description",
             "Tag the KMS key with the file name",
             "Put the customer's account number and password in the encryption context, so that records identify the customer"],
            'A', "The encryption context is logged in requestParameters of each call, so an audit can say not only who used the key but for what. A description or a tag belongs to the key, not to one call, so it cannot tell one file's Decrypt from another's. The context is logged in plain text, which is why it must never hold a secret such as a password."),
        // 10 services
        Q("10.1", "A Lambda function reads SSE-KMS objects from a bucket that has no S3 Bucket Key. The customer managed key's policy allows Decrypt only under a condition on the encryption context. Which condition matches what S3 sends to KMS?",
            ["kms:EncryptionContext:aws:s3:arn equal to the object's ARN (arn:aws:s3:::bucket/key)",
             "kms:EncryptionContext:aws:s3:arn equal to the bucket's ARN",
             "kms:EncryptionContext:bucket equal to the bucket's name",
             "None can: S3 sends no encryption context"],
            'A', "S3 binds each object's data key to the object with the context aws:s3:arn = arn:aws:s3:::bucket/key. The bucket's ARN is the near miss: it is the context only when the bucket uses an S3 Bucket Key, whose bucket-level key serves many objects. S3 always sends a context, and its key is aws:s3:arn."),
        Q("10.2", "A company's key must be usable by its application role only when S3 uses it for SSE-KMS on the role's behalf, never when the role calls KMS directly. Which key-policy condition does that?",
            ["kms:ViaService equal to s3.us-east-1.amazonaws.com",
             "aws:SourceVpce equal to the VPC endpoint the application uses for S3",
             "kms:CallerAccount equal to the account of the S3 service",
             "aws:SourceIp in the IP ranges of S3"],
            'A', "kms:ViaService is set when an AWS service such as S3 calls KMS on a principal's behalf; the AWS managed key aws/s3 relies on it. aws:SourceVpce is the near miss: it names the VPC endpoint a request to KMS itself came through, and S3 calls KMS from its own side, not through your endpoint. kms:CallerAccount is the caller's account, yours, even when S3 calls. S3's IP ranges do not describe who made the call or through which service."),
        Q("10.3", "A company must encrypt millions of small S3 objects under a key whose use it controls with a key policy and audits in CloudTrail, while keeping KMS request costs low. Which configuration?",
            ["SSE-KMS with a customer managed key and S3 Bucket Keys enabled",
             "SSE-S3: keys managed by S3, no KMS requests at all",
             "SSE-KMS with the AWS managed key aws/s3 and S3 Bucket Keys enabled",
             "Client-side encryption, calling KMS Encrypt on each object"],
            'A', $"SSE-KMS with a customer managed key gives a key policy you write and CloudTrail records of S3's calls; a bucket key makes S3 ask KMS for a time-limited bucket-level key instead of once per object, so far fewer requests at {Fact(nameof(KmsFacts.SymmetricRequestsPer10kUsd))} per 10,000. SSE-S3 is the near miss: cheap and encrypted, but no key policy and no KMS audit of each use. aws/s3 is audited, but its key policy is AWS's and cannot be changed. Encrypt on each object is a request per object and fails for objects over {KmsFacts.MaxEncryptPlaintextBytes / 1024} KB of plaintext."),
        // 11 grants and cross-account
        Q("11.1", "A team creates a grant that lets a Lambda function's role decrypt with a key, and the function calls Decrypt right after. For a few seconds some calls fail with AccessDeniedException. What makes the grant usable at once, without waiting?",
            ["Pass the GrantToken that CreateGrant returned in the Decrypt request's GrantTokens",
             "Retry Decrypt with exponential backoff until it succeeds",
             "Also add the role to the key policy's key users statement",
             "Create the grant with the role as its RetiringPrincipal"],
            'A', "A new grant is eventually consistent; its grant token makes KMS honour it in the requests that carry the token, at once. Retrying works, but only by waiting, which the team wants to avoid. A key-policy change is a second way in, propagates too, and defeats the point of a narrow grant. A retiring principal may end the grant; it gives no faster start."),
        Q("11.2", "A company grants a partner's batch role Decrypt on a key. When the work is done, the partner's administrator role — not the batch role, and without any permission in the key policy — must be able to end the grant. What should CreateGrant include?",
            ["RetiringPrincipal set to the administrator role's ARN",
             "GranteePrincipal set to the administrator role's ARN",
             "Operations that include RetireGrant",
             "A key-policy statement giving the administrator role kms:RevokeGrant"],
            'A', "The retiring principal may call RetireGrant on that grant without any other permission: that is what it is for. Making the administrator the grantee gives it Decrypt, not the batch role. RetireGrant among the operations lets the grantee (the batch role) retire it, not the administrator. kms:RevokeGrant in the key policy works, but it is the key-policy change the company wants to avoid, and it lets the administrator revoke every grant on the key."),
        Q("11.3", "A data account's key policy allows an analytics account's root (arn:aws:iam::444455556666:root) to use a key for Decrypt. A role in the analytics account still gets AccessDeniedException when it calls Decrypt with the key's ARN. What is missing?",
            ["An IAM policy in the analytics account that allows the role kms:Decrypt on the key's ARN",
             "An alias for the key created in the analytics account",
             "A key policy in the data account that names the role instead of the analytics account's root; then no IAM policy is needed",
             "The key must be a multi-Region key to be used from another account"],
            'A', "Cross-account use needs both sides: the key policy trusts the analytics account, and that account's IAM policy gives the role the action on the key's ARN. Aliases do not cross accounts: another account names a key by ARN. Naming the role in the key policy still leaves the analytics account to allow it in IAM: a principal in another account always needs its own account's permission too. Multi-Region keys are about Regions, not accounts."),
        // 12 multi-Region keys
        Q("12.1", "A company runs an application in us-east-1 with a warm standby in eu-west-1. Data encrypted in us-east-1 must be decryptable in eu-west-1 during a Region outage, without any call to us-east-1. Which solution meets the requirement with the LEAST operational overhead?",
            ["A multi-Region primary key in us-east-1 with a replica in eu-west-1; decrypt with the replica",
             "Single-Region keys in both Regions, and a nightly job that re-encrypts every object under the eu-west-1 key",
             "A grant in us-east-1 that lets the eu-west-1 application role decrypt",
             "Export the us-east-1 key's material and import it into a key in eu-west-1"],
            'A', "Related multi-Region keys share key ID and key material, so the replica in eu-west-1 decrypts what the primary encrypted, with no call to us-east-1. Nightly re-encryption works but is a job to run, and misses what was written since. A grant still needs us-east-1 to answer. KMS never exports a key's material; you can only import material you created yourself."),
        Q("12.2", "An engineer replicates a multi-Region key from us-east-1 to ap-southeast-2 and, to test failover, disables the replica. What happens in us-east-1?",
            ["Nothing: the primary stays Enabled; key state, policy, grants, aliases and tags are each Region's own, while key ID and key material are shared",
             "The primary is disabled too, because related multi-Region keys share their key state",
             "The primary stays Enabled, but the replica's key policy is replaced by the primary's on the next sync",
             "The primary goes to Updating until the replica is enabled again"],
            'A', "Each key of a multi-Region set has its own key state, policy, grants, aliases, tags and description; what they share is the key ID, the key material, the key spec and usage, the origin and automatic rotation. So disabling the replica changes only the replica. Policies are never synchronised. Updating is the state of an UpdatePrimaryRegion, not of a disable."),
        Q("12.3", "A team schedules the deletion of a multi-Region primary key that still has two replicas. What happens?",
            ["The primary goes to PendingReplicaDeletion; once its replicas are deleted, it goes to PendingDeletion and its own waiting period begins",
             "KMS refuses the request until both replicas are deleted",
             "All three keys are scheduled for deletion with the same waiting period",
             "A replica becomes the primary and the old primary is deleted after its waiting period"],
            'A', $"KMS keeps a primary while replicas depend on it: it waits in PendingReplicaDeletion, then starts its own {KmsFacts.MinPendingWindowInDays}–{KmsFacts.MaxPendingWindowInDays}-day waiting period. It does not refuse the request, it never schedules the replicas for you (each is deleted on its own), and it never promotes a replica by itself: changing the primary is an UpdatePrimaryRegion call you make."),
        // 13 post-quantum signatures
        Q("13.1", "A manufacturer signs firmware for door locks that stay in service for fifteen years. The security team worries that the signatures could be forged during the devices' life by a large quantum computer. Which KMS signing key meets the requirement?",
            ["An ML_DSA_65 key, signing with ML_DSA_SHAKE_256",
             "An ECC_NIST_P521 key: the largest curve is the one that resists quantum attacks",
             "An RSA_4096 key with RSASSA_PSS_SHA_512",
             "An HMAC_512 key with GenerateMac, because symmetric keys resist quantum attacks"],
            'A', "ML-DSA (FIPS 204) is the post-quantum signature scheme KMS offers; devices verify its signatures with the public key. A bigger curve or a bigger RSA modulus does not help: Shor's algorithm breaks both kinds of problem whatever the size. HMAC resists quantum attacks, but it is not a signature: every device would need the secret key (or a call to KMS) to verify, so anyone holding a device could forge."),
        Q("13.2", "A team must sign 20 MB documents with an ML-DSA key in KMS. Sign with MessageType RAW fails with ValidationException. What should it do?",
            ["Compute the message representative μ locally with a FIPS 204 library and call Sign with MessageType EXTERNAL_MU",
             "Sign the document's SHA-256 digest with MessageType DIGEST",
             "Split the document into parts that fit the RAW limit and sign each part",
             "Ask AWS for a quota increase on the RAW message size"],
            'A', $"With EXTERNAL_MU, KMS signs the 64-byte μ the caller computed, and the result is an ordinary ML-DSA signature of the whole document. DIGEST is the near miss: it is how ECDSA and RSA keys sign large messages, but KMS's ML-DSA keys do not take it. Signing parts gives many signatures and leaves their order and completeness unprotected. The {KmsFacts.MaxSignMessageBytes}-byte RAW limit is fixed, not a quota."),
        Q("13.3", "An IoT fleet receives signed commands over a radio link whose frames carry at most 1 KB. Each command is valid for 30 seconds and is never checked again. Which key should sign the commands today?",
            ["ECC_NIST_P256 with ECDSA_SHA_256",
             "ML_DSA_87, the strongest post-quantum option",
             "ML_DSA_44, the smallest post-quantum option",
             "RSA_2048 with RSASSA_PKCS1_V1_5_SHA_256"],
            'A', "An ECDSA P-256 signature fits a frame many times over, and a command that expires in 30 seconds gives a future quantum computer nothing to forge. Every ML-DSA signature, even ML_DSA_44's, is larger than the frame (measure them in lesson 13); ML-DSA is for signatures that must last. RSA_2048's signature fits, but it is larger than ECDSA's for the same job and just as exposed to quantum attacks."),
        // 09 exam-only scenarios
        Q("09.1", "An application must encrypt 10 MB PDF files with a KMS key and decrypt them later. Which approach is right?",
            ["GenerateDataKey, encrypt each file locally with its Plaintext, and store the CiphertextBlob with the file",
             "GenerateDataKeyWithoutPlaintext, and encrypt each file locally with the CiphertextBlob it returns",
             "Call Encrypt on each chunk of the file that fits Encrypt's limit",
             "Ask for a quota increase of Encrypt's plaintext size"],
            'A', $"Envelope encryption: one KMS request, local AES-GCM, the encrypted data key kept beside the file. The blob of GenerateDataKeyWithoutPlaintext is an encrypted key, not a key: it is for storing now and decrypting later, when another component encrypts. Chunking sends all the data to KMS, one request per chunk. The {KmsFacts.MaxEncryptPlaintextBytes}-byte Encrypt limit is fixed, not a quota."),
        Q("09.2", "A security team must be able to disable a key immediately but never be able to read data encrypted under it. What should the key policy give them?",
            ["kms:DisableKey (and kms:ScheduleKeyDeletion), and no kms:PutKeyPolicy, kms:CreateGrant or kms:Decrypt",
             "The console's key-administrator statement: administrators never use keys",
             "The key-user statement plus kms:DisableKey",
             "kms:* with a Deny on kms:Decrypt"],
            'A', "Least privilege: DisableKey and ScheduleKeyDeletion need no cryptographic use of the key. The console's administrator statement is a near miss: its kms:Put* and kms:Create* let a member rewrite the key policy or grant themselves Decrypt, so it does not guarantee they never read data. The key-user statement allows Decrypt outright. With kms:*, PutKeyPolicy can simply remove the Deny."),
        Q("09.3", "A key was scheduled for deletion five days ago with the default waiting period. The team learns that a backup still needs it. What should it do?",
            ["CancelKeyDeletion before the deletion date, then EnableKey",
             "CancelKeyDeletion: the key returns to Enabled and the backup can be read at once",
             "Nothing can stop a scheduled deletion: ReEncrypt the backup under another key first",
             "Let the deletion happen, then import the key material again"],
            'A', $"During the waiting period (default {KmsFacts.DefaultPendingWindowInDays} days, so weeks remain) the deletion can be cancelled; the key comes back Disabled and needs EnableKey. Enabled is the near miss. A key pending deletion cannot be used at all, ReEncrypt included. Re-importing works only for keys with imported material (Origin EXTERNAL); the material of an AWS_KMS key is gone once deleted."),
        Q("09.4", $"A company has 10 customer managed keys, each rotated once, and makes {TotalRequests.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} symmetric requests a month in one Region. About what is its monthly KMS bill?",
            [Usd(BillRight), Usd(BillWithoutRotations), Usd(BillAtAsymmetricPrice), Usd(BillRequestsOnly)],
            'A', $"Each key costs {Fact(nameof(KmsFacts.KeyPerMonthUsd))} per key-month, and each of its first {KmsFacts.ChargedRotationsPerKey} rotations adds {Fact(nameof(KmsFacts.RotationPerMonthUsd))} a month (later rotations are free): {Usd(10 * (KmsFacts.KeyPerMonthUsd + KmsFacts.RotationPerMonthUsd))} for ten keys rotated once. Requests cost {Fact(nameof(KmsFacts.SymmetricRequestsPer10kUsd))} per 10,000 after {Fact(nameof(KmsFacts.FreeRequestsPerMonth))} free requests, so {Usd(RequestsBill(KmsFacts.SymmetricRequestsPer10kUsd))} for the rest; in all, {Usd(BillRight)}. Leaving out the rotations is the near miss. {Fact(nameof(KmsFacts.AsymmetricRequestsPer10kUsd))} per 10,000 is the price of most asymmetric requests, not symmetric ones. Counting only the requests forgets that customer managed keys are billed even when idle (AWS managed and AWS owned keys cost nothing a month). Keys pending deletion are not billed. Source: {KmsFacts.Sources.Pricing}."),
        Q("09.5", "A SaaS company must be able to prove that a departed customer's data can no longer be decrypted anywhere, backups included. What is the cleanest design?",
            ["Encrypt each customer's data under its own KMS key, and schedule that key's deletion when the customer leaves",
             "One shared key for all customers, and delete the departed customer's encrypted data keys from the main database",
             "One shared key for all customers, rotated when a customer leaves so that the old material is discarded",
             "One shared key for all customers, disabled when a customer leaves"],
            'A', "Crypto-shredding: once the customer's key is deleted, every copy of its ciphertext, backups included, is unreadable. Deleting encrypted data keys from the main database leaves their copies in backups, which the shared key still opens. Rotation keeps the old material, so old data still decrypts. Disabling the shared key stops every customer, and is reversible, so it proves nothing."),
        Q("09.6", "A batch job's role needs Decrypt on a key for a few hours. The permission must be given and taken back by API calls, without editing the key policy; EBS uses the same mechanism to let volumes use a key. What should the team use?",
            ["A grant (CreateGrant) for the role with the Decrypt operation, retired or revoked when the job ends",
             "A statement added to the key policy with PutKeyPolicy and removed afterwards",
             "An IAM policy on the role allowing kms:Decrypt, on a key whose key policy has no account-root statement",
             "A new alias for the key, given only to the job"],
            'A', "Grants delegate specific operations on one key to a principal without touching the key policy, and RetireGrant or RevokeGrant takes them back; AWS services such as EBS use grants for exactly that. Editing the key policy is the near miss: it works, but it is what the team must avoid, and each PutKeyPolicy replaces the whole policy document. An IAM policy counts only if the key policy allows the account root. An alias is a name, not a permission."),
    ];

    // The bill of question 09.4, from the facts table: ten keys rotated once, one million requests beyond the free tier.
    private const int TotalRequests = KmsFacts.FreeRequestsPerMonth + 1_000_000;

    private static decimal RequestsBill(decimal per10k) => (TotalRequests - KmsFacts.FreeRequestsPerMonth) / 10_000m * per10k;

    private static decimal BillRight => 10 * (KmsFacts.KeyPerMonthUsd + KmsFacts.RotationPerMonthUsd) + RequestsBill(KmsFacts.SymmetricRequestsPer10kUsd);

    private static decimal BillWithoutRotations => 10 * KmsFacts.KeyPerMonthUsd + RequestsBill(KmsFacts.SymmetricRequestsPer10kUsd);

    private static decimal BillAtAsymmetricPrice => 10 * (KmsFacts.KeyPerMonthUsd + KmsFacts.RotationPerMonthUsd) + RequestsBill(KmsFacts.AsymmetricRequestsPer10kUsd);

    private static decimal BillRequestsOnly => RequestsBill(KmsFacts.SymmetricRequestsPer10kUsd);

    /// <summary>Dollars as a learner reads them (<c>$23.00</c>), whatever the machine's culture.</summary>
    private static string Usd(decimal amount) => "$" + amount.ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture);

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
