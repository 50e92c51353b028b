using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Lessons;

/// <summary>
/// The self-check of the terminal lab (<c>notebooks/terminal-lab.md</c>): looks at what the learner
/// built with the aws CLI — the alias and its key, who its policy lets do what, the rotation, the
/// second key's state — and at the files the lab wrote, which must decrypt under the right key with
/// the right context. It reads and decrypts only; it changes nothing. One verdict per step.
/// </summary>
public static class TerminalLabCheck
{
    /// <summary>How many steps the check reports.</summary>
    public const int Steps = 6;

    /// <summary>The alias the lab creates.</summary>
    public const string AliasName = "alias/myFirstKey";

    /// <summary>What the lab's <c>secret.txt</c> holds (<c>echo "my secret"</c>).</summary>
    public const string Secret = "my secret\n";

    /// <summary>
    /// Checks the lab's steps in <paramref name="lab"/> (its administrator, myKeyManager and myKeyUser
    /// act as the lab's three profiles) and the files in <paramref name="directory"/>.
    /// </summary>
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(Lab lab, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var admin = lab.CreateKmsClient();
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        var manager = lab.CreateKmsClient(Lab.KeyManagerName);
        var results = new List<CheckResult>();

        const string Step2 = "Step 2 — your first CMK and its alias";
        KeyMetadata? first = null;
        try
        {
            first = (await admin.DescribeKeyAsync(new DescribeKeyRequest { KeyId = AliasName }, cancellationToken).ConfigureAwait(false)).KeyMetadata;
        }
        catch (NotFoundException)
        {
        }
        results.Add(first switch
        {
            null => CheckResult.NotYet(Step2, $"there is no {AliasName} in {lab.DefaultRegion.SystemName}.", "aws kms create-alias --alias-name alias/myFirstKey --target-key-id \"$KEY_ID\" (same Region as the server's profile lines)."),
            { Description: var d } when d?.Contains("first CMK", StringComparison.OrdinalIgnoreCase) != true =>
                CheckResult.NotYet(Step2, $"{AliasName} points at a key described \"{d}\".", "Point the alias at the key you created with --description \"my first CMK\" (aws kms update-alias)."),
            _ => CheckResult.Pass(Step2, $"{AliasName} → {first.KeyId}, \"{first.Description}\"."),
        });
        if (first is null) return results;

        results.Add(await CheckPolicyAsync(user, manager, first.KeyId, cancellationToken).ConfigureAwait(false));
        results.Add(await CheckFilesAsync(user, first, directory, cancellationToken).ConfigureAwait(false));
        var (reEncrypted, second) = await CheckReEncryptedAsync(admin, user, first, directory, cancellationToken).ConfigureAwait(false);
        results.Add(reEncrypted);
        results.Add(await CheckRotationAsync(manager, first.KeyId, cancellationToken).ConfigureAwait(false));
        results.Add(CheckLifecycle(second));
        return results;
    }

    private static async Task<CheckResult> CheckPolicyAsync(IAmazonKeyManagementService user, IAmazonKeyManagementService manager, string keyId, CancellationToken ct)
    {
        const string Name = "Step 3 — myKeyManager administers, myKeyUser uses";
        var wrong = new List<string>();
        if (!await AllowedAsync(() => user.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream("check"u8.ToArray()) }, ct)).ConfigureAwait(false)) wrong.Add("myKeyUser cannot encrypt");
        if (await AllowedAsync(() => manager.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream("check"u8.ToArray()) }, ct)).ConfigureAwait(false)) wrong.Add("myKeyManager can encrypt");
        if (!await AllowedAsync(() => manager.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = keyId, PolicyName = "default" }, ct)).ConfigureAwait(false)) wrong.Add("myKeyManager cannot read the policy");
        return wrong.Count == 0
            ? CheckResult.Pass(Name, "the key user uses the key, the key administrator manages it and cannot use it.")
            : CheckResult.NotYet(Name, string.Join("; ", wrong) + ".", "Put policy.json on the key (aws kms put-key-policy --policy-name default), with $ACCOUNT filled in: myKeyManager in the administrators' statement, myKeyUser in the users'.");
    }

    private static async Task<CheckResult> CheckFilesAsync(IAmazonKeyManagementService user, KeyMetadata first, string directory, CancellationToken ct)
    {
        const string Name = "Step 4 — secret.enc and bound.enc, as myKeyUser";
        var secret = await DecryptFileAsync(user, directory, "secret.enc", null, ct).ConfigureAwait(false);
        if (secret.Problem is { } p1) return CheckResult.NotYet(Name, "secret.enc " + p1, "Encrypt secret.txt as myKeyUser with --query CiphertextBlob --output text, and pipe it through base64 --decode into secret.enc.");
        if (secret.KeyId != first.Arn) return CheckResult.NotYet(Name, "secret.enc is not under alias/myFirstKey's key.", "Encrypt it with --key-id alias/myFirstKey.");
        if (secret.Plaintext != Secret) return CheckResult.NotYet(Name, "secret.enc decrypts to something other than secret.txt's \"my secret\".", "echo \"my secret\" > secret.txt, then encrypt that file.");
        var unbound = await DecryptFileAsync(user, directory, "bound.enc", null, ct).ConfigureAwait(false);
        if (unbound.Problem is { } missing && missing.StartsWith("is missing", StringComparison.Ordinal)) return CheckResult.NotYet(Name, "bound.enc " + missing, "Encrypt secret.txt with --encryption-context tenant=acme into bound.enc.");
        if (unbound.Problem is null) return CheckResult.NotYet(Name, "bound.enc decrypts without an encryption context, so it is not bound to one.", "Encrypt it with --encryption-context tenant=acme.");
        var bound = await DecryptFileAsync(user, directory, "bound.enc", new Dictionary<string, string> { ["tenant"] = "acme" }, ct).ConfigureAwait(false);
        if (bound.Problem is not null || bound.Plaintext != Secret) return CheckResult.NotYet(Name, "bound.enc does not decrypt with tenant=acme.", "The context must be exactly tenant=acme, no more pairs, no other spelling.");
        return CheckResult.Pass(Name, "secret.enc decrypts under your first CMK; bound.enc only with tenant=acme.");
    }

    private static async Task<(CheckResult, KeyMetadata?)> CheckReEncryptedAsync(IAmazonKeyManagementService admin, IAmazonKeyManagementService user, KeyMetadata first, string directory, CancellationToken ct)
    {
        const string Name = "Step 5 — secret.reenc under the second key";
        var moved = await DecryptFileAsync(user, directory, "secret.reenc", null, ct).ConfigureAwait(false);
        var second = moved.KeyId is { } keyId
            ? (await admin.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, ct).ConfigureAwait(false)).KeyMetadata
            : await NewestKeyDescribedAsync(admin, "second CMK", ct).ConfigureAwait(false);
        if (moved.Problem is { } problem)
        {
            return (CheckResult.NotYet(Name, "secret.reenc " + problem, "As myKeyUser: aws kms re-encrypt --ciphertext-blob fileb://secret.enc --destination-key-id \"$KEY2_ID\" ..., through base64 --decode into secret.reenc."), second);
        }
        if (moved.KeyId == first.Arn) return (CheckResult.NotYet(Name, "secret.reenc is still under the first key.", "--destination-key-id chooses the key: the second CMK's ID."), second);
        if (moved.Plaintext != Secret) return (CheckResult.NotYet(Name, "secret.reenc decrypts to something other than \"my secret\".", "Re-encrypt secret.enc itself."), second);
        if (second?.Description?.Contains("second CMK", StringComparison.OrdinalIgnoreCase) != true) return (CheckResult.NotYet(Name, $"secret.reenc is under a key described \"{second?.Description}\".", "Create the second key with --description \"my second CMK\" and re-encrypt to it."), second);
        return (CheckResult.Pass(Name, $"secret.reenc decrypts under {second.KeyId}, the second CMK; the plaintext never left KMS on the way."), second);
    }

    private static async Task<CheckResult> CheckRotationAsync(IAmazonKeyManagementService manager, string keyId, CancellationToken ct)
    {
        const string Name = "Step 6 — rotation of the first CMK";
        GetKeyRotationStatusResponse status;
        ListKeyRotationsResponse rotations;
        try
        {
            status = await manager.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId }, ct).ConfigureAwait(false);
            rotations = await manager.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId }, ct).ConfigureAwait(false);
        }
        catch (AmazonKeyManagementServiceException e) when (e.ErrorCode == "AccessDeniedException")
        {
            return CheckResult.NotYet(Name, "myKeyManager may not read the key's rotations.", "Step 3's policy gives myKeyManager kms:Get* and kms:List*.");
        }
        if (status.KeyRotationEnabled != true) return CheckResult.NotYet(Name, "automatic rotation is off.", "aws kms enable-key-rotation --key-id \"$KEY_ID\" --profile myKeyManager.");
        if (!(rotations.Rotations ?? []).Any(r => r.RotationType == RotationType.ON_DEMAND)) return CheckResult.NotYet(Name, "no on-demand rotation yet.", "aws kms rotate-key-on-demand --key-id \"$KEY_ID\" --profile myKeyManager, then list-key-rotations.");
        return CheckResult.Pass(Name, $"automatic rotation on (every {status.RotationPeriodInDays} days) and {rotations.Rotations!.Count} rotation(s) so far; secret.enc still decrypts.");
    }

    private static CheckResult CheckLifecycle(KeyMetadata? second)
    {
        const string Name = "Step 7 — the second key, scheduled, cancelled and enabled again";
        if (second is null) return CheckResult.NotYet(Name, "there is no second key to look at (step 5 first).", "Re-encrypt secret.enc to the second CMK.");
        return second.KeyState.Value switch
        {
            "Enabled" => CheckResult.Pass(Name, "the second key is Enabled again: cancelling a deletion leaves a key Disabled, and you enabled it."),
            "PendingDeletion" => CheckResult.NotYet(Name, $"the second key is still pending deletion (on {second.DeletionDate:yyyy-MM-dd}).", "aws kms cancel-key-deletion --key-id \"$KEY2_ID\" --profile myKeyManager."),
            "Disabled" => CheckResult.NotYet(Name, "the second key is Disabled.", "What state does cancel-key-deletion leave a key in? Enable it again: aws kms enable-key."),
            var state => CheckResult.NotYet(Name, $"the second key is {state}.", "Schedule its deletion with 7 days, cancel it, then enable the key."),
        };
    }

    private sealed record Decrypted(string? Problem, string? KeyId, string? Plaintext);

    private static async Task<Decrypted> DecryptFileAsync(IAmazonKeyManagementService user, string directory, string file, Dictionary<string, string>? context, CancellationToken ct)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path)) return new("is missing from " + Path.GetFullPath(directory) + ".", null, null);
        var blob = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        try
        {
            var response = await user.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }, ct).ConfigureAwait(false);
            return new(null, response.KeyId, Encoding.UTF8.GetString(response.Plaintext.ToArray()));
        }
        catch (AmazonKeyManagementServiceException e)
        {
            return new($"does not decrypt as myKeyUser: {e.ErrorCode}: {e.Message}", null, null);
        }
    }

    // A key that cannot decrypt right now (pending deletion, disabled) is still found by what it is for.
    private static async Task<KeyMetadata?> NewestKeyDescribedAsync(IAmazonKeyManagementService admin, string description, CancellationToken ct)
    {
        KeyMetadata? newest = null;
        string? marker = null;
        do
        {
            var page = await admin.ListKeysAsync(new ListKeysRequest { Marker = marker }, ct).ConfigureAwait(false);
            foreach (var entry in page.Keys ?? [])
            {
                var key = (await admin.DescribeKeyAsync(new DescribeKeyRequest { KeyId = entry.KeyId }, ct).ConfigureAwait(false)).KeyMetadata;
                if (key.Description?.Contains(description, StringComparison.OrdinalIgnoreCase) == true && (newest is null || key.CreationDate > newest.CreationDate)) newest = key;
            }
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        return newest;
    }

    private static async Task<bool> AllowedAsync(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            return true;
        }
        catch (AmazonKeyManagementServiceException e) when (e.ErrorCode == "AccessDeniedException")
        {
            return false;
        }
    }
}
