using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of <c>exam-bank/encrypt-decrypt.json</c>, made to happen on the simulator.</summary>
internal static class EncryptDecryptDemonstrations
{
    [Proves("03.2")]
    internal static async Task<string> AMovedRecordDoesNotDecryptUnderAnotherTenant(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        var acme = new Dictionary<string, string> { ["tenant"] = "acme" };
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("acme's record"), EncryptionContext = acme })).CiphertextBlob.ToArray();
        await Demonstrate.ThrowsAsync<InvalidCiphertextException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = new() { ["tenant"] = "globex" } }));
        var read = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = acme });
        Demonstrate.That(Demonstrate.Text(read.Plaintext) == "acme's record", "the record still decrypts with its own context");
        return "acme's record read with {tenant: globex} → InvalidCiphertextException; with {tenant: acme} → decrypts";
    }

    [Proves("encrypt.too-large-error")]
    internal static async Task<string> EncryptTakesAtMost4096Bytes(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(new byte[KmsFacts.MaxEncryptPlaintextBytes]) });
        var e = await Demonstrate.FailsWithAsync("ValidationException", () => kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(new byte[6000]) }));
        return $"Encrypt of {KmsFacts.MaxEncryptPlaintextBytes} bytes works; of a 6000-byte document → ValidationException ({e.Message})";
    }

    [Proves("encrypt.response-keyid-arn")]
    internal static async Task<string> ResponsesNameTheKeyByArn(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/orders", TargetKeyId = key.KeyId });
        var response = await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/orders", Plaintext = Demonstrate.Bytes("order 7") });
        Demonstrate.That(response.KeyId == key.Arn, $"Encrypt through the alias answers with the key ARN (it answered {response.KeyId})");
        return $"Encrypt with alias/orders → KeyId = {response.KeyId}";
    }

    [Proves("encrypt.same-plaintext")]
    internal static async Task<string> EqualPlaintextsGiveDifferentCiphertexts(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        var first = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("AB123456C") })).CiphertextBlob.ToArray();
        var second = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("AB123456C") })).CiphertextBlob.ToArray();
        Demonstrate.That(!first.AsSpan().SequenceEqual(second), "two encryptions of the same value differ");
        Demonstrate.That(Demonstrate.Text((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(second) })).Plaintext) == "AB123456C", "and both decrypt to it");
        return "the same ID encrypted twice under the same key → two different blobs, both decrypting to it";
    }

    [Proves("encrypt.context-case")]
    internal static async Task<string> ContextPairsMatchExactlyInAnyOrder(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("invoice"), EncryptionContext = new() { ["Tenant"] = "acme", ["type"] = "invoice" } })).CiphertextBlob.ToArray();
        await Demonstrate.ThrowsAsync<InvalidCiphertextException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = new() { ["type"] = "invoice", ["tenant"] = "acme" } }));
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = new() { ["type"] = "invoice", ["Tenant"] = "acme" } });
        return "encrypted with {Tenant, type}: {type, tenant} → InvalidCiphertextException; {type, Tenant} (other order, same case) → decrypts";
    }

    [Proves("encrypt.invalid-ciphertext-causes")]
    internal static async Task<string> WhatMakesCiphertextInvalid(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await NewKey(kms);
        var context = new Dictionary<string, string> { ["record"] = "42" };
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("record 42"), EncryptionContext = context })).CiphertextBlob.ToArray();
        await Demonstrate.ThrowsAsync<InvalidCiphertextException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = new() { ["record"] = "43" } }));
        var flipped = (byte[])blob.Clone();
        flipped[^1] ^= 0x01;
        await Demonstrate.ThrowsAsync<InvalidCiphertextException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(flipped), EncryptionContext = context }));
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key });
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context });
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        await Demonstrate.ThrowsAsync<DisabledException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }));
        return "wrong context → InvalidCiphertextException; one flipped bit → InvalidCiphertextException; after a rotation → decrypts; key disabled → DisabledException";
    }

    [Proves("encrypt.incorrect-key")]
    internal static async Task<string> NamingAnotherKeyIsIncorrectKey(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var orders = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var otherTeam = await NewKey(kms);
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = otherTeam, Plaintext = Demonstrate.Bytes("their message") })).CiphertextBlob.ToArray();
        await Demonstrate.ThrowsAsync<IncorrectKeyException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), KeyId = orders }));
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        return "a blob made under another key, decrypted with KeyId = the orders key → IncorrectKeyException (without a KeyId it decrypts)";
    }

    [Proves("encrypt.reencrypt-no-plaintext")]
    internal static async Task<string> ReEncryptReturnsNoPlaintext(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var keyA = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var keyB = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = keyA, Plaintext = Demonstrate.Bytes("db password") })).CiphertextBlob.ToArray();
        var moved = await kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), DestinationKeyId = keyB });
        Demonstrate.That(moved.SourceKeyId == keyA && moved.KeyId == keyB, "ReEncrypt reports the move from key A to key B");
        var read = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = moved.CiphertextBlob, KeyId = keyB });
        Demonstrate.That(Demonstrate.Text(read.Plaintext) == "db password", "the moved ciphertext decrypts under key B");
        return "ReEncrypt(A → B) returns only a new ciphertext (SourceKeyId A, KeyId B), which decrypts under key B";
    }

    [Proves("encrypt.reencrypt-permissions")]
    internal static async Task<string> ReEncryptNeedsFromAndTo(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var keyA = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var keyB = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = keyA, Plaintext = Demonstrate.Bytes("secret") })).CiphertextBlob.ToArray();
        var role = lab.CreateKmsClient(Lab.KeyUserName);
        lab.PutIdentityPolicy(Lab.KeyUserName, "migration", Allow(("kms:Decrypt", keyA), ("kms:Encrypt", keyB)));
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => role.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), DestinationKeyId = keyB }));
        lab.PutIdentityPolicy(Lab.KeyUserName, "migration", Allow(("kms:ReEncryptFrom", keyB), ("kms:ReEncryptTo", keyB)));
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => role.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), DestinationKeyId = keyB }));
        lab.PutIdentityPolicy(Lab.KeyUserName, "migration", Allow(("kms:ReEncryptFrom", keyA), ("kms:ReEncryptTo", keyB)));
        await role.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), DestinationKeyId = keyB });
        return "ReEncrypt A → B: with Decrypt on A + Encrypt on B → AccessDeniedException; with From and To on B only → AccessDeniedException; with ReEncryptFrom on A + ReEncryptTo on B → works";
    }

    [Proves("encrypt.reencrypt-change-context")]
    internal static async Task<string> ReEncryptCanChangeOnlyTheContext(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var sales = new Dictionary<string, string> { ["dept"] = "sales" };
        var revenue = new Dictionary<string, string> { ["dept"] = "revenue" };
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("pipeline"), EncryptionContext = sales })).CiphertextBlob.ToArray();
        var moved = await kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = new MemoryStream(blob), SourceEncryptionContext = sales, DestinationKeyId = key, DestinationEncryptionContext = revenue,
        });
        var newBlob = moved.CiphertextBlob.ToArray();
        Demonstrate.That(moved.KeyId == key, "the ciphertext stays under the same key");
        await Demonstrate.ThrowsAsync<InvalidCiphertextException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(newBlob), EncryptionContext = sales }));
        Demonstrate.That(Demonstrate.Text((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(newBlob), EncryptionContext = revenue })).Plaintext) == "pipeline", "the new blob decrypts with the new context");
        return "ReEncrypt with Source {dept: sales} → Destination {dept: revenue}, same key: the new blob needs the new context";
    }

    private static string Allow(params (string Action, string KeyArn)[] statements) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", statements.Select(s => $"{{\"Effect\":\"Allow\",\"Action\":\"{s.Action}\",\"Resource\":\"{s.KeyArn}\"}}")) + "]}";

    private static async Task<string> NewKey(IAmazonKeyManagementService kms) => (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
}
