using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Protocol;
using KmsLab.Simulation.Identity;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Protocol;

/// <summary>
/// The buffers the wire path keeps per thread (request bodies, header snapshots, JSON writers,
/// SigV4's canonical text) and the SigV4 scope and signing-key caches: what one request leaves in
/// them never reaches another request — on another thread, later on the same thread, or nested
/// inside it — and a remembered scope never stands in for the signature that came with a request.
/// </summary>
public class HotPathBufferTests
{
    private const string Endpoint = "https://kms.us-east-1.amazonaws.com/";

    // ---- BodyBuffer, HeaderSnapshot, ThreadJsonBuffer, SigV4Verifier's per-thread text and hash ----

    [Fact]
    public async Task Concurrent_calls_on_many_threads_each_get_their_own_answer_and_their_own_audit_event()
    {
        // Each thread encrypts under its own key, with bodies of its own lengths, as its own
        // principal; any byte of one request in another's buffer breaks a signature, a plaintext,
        // an encryption context or an audit event.
        const int threads = 4, calls = 300;
        var lab = new TestLab();
        var principals = new[] { Lab.AdministratorName, Lab.KeyUserName, Lab.KeyManagerName, Lab.AdministratorName };
        var keys = new string[threads];
        for (int t = 0; t < threads; t++)
        {
            keys[t] = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = OpenPolicy(lab.Lab.AccountId) })).KeyMetadata.Arn;
        }
        var failures = new ConcurrentQueue<Exception>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                var kms = lab.Lab.CreateKmsClient(principals[t]);
                start.SignalAndWait();
                for (int i = 0; i < calls; i++) RoundTrip(kms, keys[t], t, i);
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.Empty(failures);

        var events = lab.Lab.AuditTrail.Events;
        var encrypts = events.Where(e => e.EventName == "Encrypt").ToList();
        Assert.Equal(threads * calls, encrypts.Count);
        var seen = new HashSet<string>();
        foreach (var e in encrypts.Concat(events.Where(e => e.EventName == "Decrypt")))
        {
            Assert.True(e.Succeeded, e.ErrorMessage);
            var context = e.RequestParameters!["encryptionContext"]!;
            int t = int.Parse(context["thread"]!.GetValue<string>());
            Assert.Equal(keys[t], Assert.Single(e.ResourceArns));
            Assert.Equal(Pad(t, int.Parse(context["call"]!.GetValue<string>())), context["pad"]!.GetValue<string>());
            Assert.True(seen.Add($"{e.EventName}/{t}/{context["call"]}"), $"{e.EventName} {t}/{context["call"]} recorded twice");
        }
        foreach (var e in events.Where(e => e.EventName == "DescribeKey"))
        {
            Assert.Equal(Assert.Single(e.ResourceArns), e.ResponseElements!["keyMetadata"]!["arn"]!.GetValue<string>());
            Assert.Equal(e.ResourceArns[0], e.RequestParameters!["keyId"]!.GetValue<string>());
        }
        Assert.Equal(threads * calls, events.Count(e => e.EventName == "DescribeKey"));
    }

    private static void RoundTrip(IAmazonKeyManagementService kms, string key, int thread, int call)
    {
        // Bodies of every length up to the largest plaintext: a spare buffer is reused, outgrown and replaced.
        var plaintext = Encoding.UTF8.GetBytes($"{thread}:{call}:" + new string((char)('a' + thread), (call * 97 + thread * 31) % 4000));
        var context = new Dictionary<string, string> { ["thread"] = $"{thread}", ["call"] = $"{call}", ["pad"] = Pad(thread, call) };
        var encrypted = kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(plaintext), EncryptionContext = context }).GetAwaiter().GetResult();
        Assert.Equal(key, encrypted.KeyId);
        var decrypted = kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = context }).GetAwaiter().GetResult();
        Assert.Equal(key, decrypted.KeyId);
        Assert.Equal(plaintext, decrypted.Plaintext.ToArray());
        var described = kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }).GetAwaiter().GetResult();
        Assert.Equal(key, described.KeyMetadata.Arn);
    }

    private static string Pad(int thread, int call) => new((char)('A' + thread), 1 + (call * 13 + thread) % 300);

    /// <summary>A key policy that lets every principal of the account use the key.</summary>
    private static string OpenPolicy(string account) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{account}}:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt","kms:DescribeKey"],"Resource":"*"}]}""";

    [Fact]
    public async Task The_body_buffer_a_thread_keeps_holds_nothing_of_the_request_once_answered()
    {
        // Request bodies carry plaintext: the buffer kept for the thread's next request is wiped.
        var lab = new TestLab();
        var key = (await lab.CreateKeyAsync()).KeyId;
        var secret = Convert.ToBase64String(Encoding.UTF8.GetBytes("a plaintext that must not linger " + new string('x', 600)));
        var body = Encoding.UTF8.GetBytes($$"""{"KeyId":"{{key}}","Plaintext":"{{secret}}"}""");
        using var invoker = new HttpMessageInvoker(new KmsHttpMessageHandler(lab.Lab.Adapter));
        using var response = invoker.Send(SignedRequest(lab, "Encrypt", body), default); // synchronous: this thread's buffer
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var bodyBuffer = typeof(KmsHttpMessageHandler).GetNestedType("BodyBuffer", BindingFlags.NonPublic)!;
        var spare = bodyBuffer.GetField("t_spare", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null);
        Assert.NotNull(spare); // kept for this thread's next request...
        var bytes = (byte[])bodyBuffer.GetProperty("Bytes")!.GetValue(spare)!;
        Assert.True(bytes.Length >= body.Length);
        Assert.All(bytes, b => Assert.Equal(0, b)); // ...and holding none of this one
    }

    [Fact]
    public Task A_request_made_from_inside_another_request_shares_none_of_its_buffers() => NestedRequestAsync(refusedByValidation: false);

    [Fact]
    public Task A_request_nested_while_a_refused_request_is_audited_shares_none_of_its_buffers() => NestedRequestAsync(refusedByValidation: true);

    private static async Task NestedRequestAsync(bool refusedByValidation)
    {
        // The lab's clock source is read while a request is handled; a source that itself calls KMS
        // (on the same thread, through the same handler) nests one request in another. Both must be
        // answered and audited as if they had been made one after the other: the nested one gets
        // a body buffer, a header snapshot and JSON buffers of its own. A request refused by
        // validation never reaches the engine's clock read: the clock is read (and the nested call
        // made) when its audit event is timed, after its audit copy is written.
        var source = new ReentrantTimeSource(TestLab.Start);
        var lab = Lab.Simulator(new LabOptions { TimeSource = source });
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var outerContext = new Dictionary<string, string> { ["call"] = "outer", ["pad"] = new string('o', 200) };
        byte[]? nestedBlob = null;
        source.OnNextRead = () => nestedBlob = EncryptNow(kms, key, "inner");
        var outer = new EncryptRequest
        {
            KeyId = key, Plaintext = Bytes.Stream("outer"), EncryptionContext = outerContext,
            EncryptionAlgorithm = refusedByValidation ? "NOT_AN_ALGORITHM" : null,
        };
        if (refusedByValidation)
        {
            await KmsAssert.Validation(() => kms.EncryptAsync(outer));
        }
        else
        {
            var blob = (await kms.EncryptAsync(outer)).CiphertextBlob;
            Assert.Equal("outer", Bytes.Text((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob, EncryptionContext = outerContext })).Plaintext));
        }
        Assert.Null(source.OnNextRead); // the nested call was made
        Assert.Equal("inner", Bytes.Text((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(nestedBlob!), EncryptionContext = new() { ["call"] = "inner" } })).Plaintext));

        var encrypts = lab.AuditTrail.Query(operation: "Encrypt");
        Assert.Equal(2, encrypts.Count);
        var inner = encrypts.Single(e => e.ErrorCode is null && e.RequestParameters!["encryptionContext"]!["call"]!.GetValue<string>() == "inner");
        Assert.Null(inner.RequestParameters!["encryptionContext"]!["pad"]);
        var outerEvent = Assert.Single(encrypts, e => e != inner);
        Assert.Equal(refusedByValidation ? "ValidationException" : null, outerEvent.ErrorCode);
        var recorded = outerEvent.RequestParameters!["encryptionContext"]!;
        Assert.Equal("outer", recorded["call"]!.GetValue<string>());
        Assert.Equal(outerContext["pad"], recorded["pad"]!.GetValue<string>());
    }

    /// <summary>An Encrypt made and awaited synchronously, as a clock source can only make it.</summary>
    private static byte[] EncryptNow(IAmazonKeyManagementService kms, string key, string call) =>
        kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream(call), EncryptionContext = new() { ["call"] = call } })
            .GetAwaiter().GetResult().CiphertextBlob.ToArray();

    /// <summary>A clock source that runs an action once, the next time it is read.</summary>
    private sealed class ReentrantTimeSource(DateTimeOffset now) : TimeProvider
    {
        public Action? OnNextRead { get; set; }

        public override DateTimeOffset GetUtcNow()
        {
            var action = OnNextRead;
            OnNextRead = null;
            action?.Invoke();
            return now;
        }
    }

    [Fact]
    public void A_header_snapshot_finds_names_whatever_their_case_and_only_those_of_its_own_request()
    {
        // X-Amz-Budget and X-Amz-Target share a fingerprint (length, first and last letter): the
        // fingerprint only narrows the search, the name decides.
        using var first = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent([]) };
        first.Headers.TryAddWithoutValidation("X-Amz-Budget", "budget");
        first.Headers.TryAddWithoutValidation("x-amz-target", "TrentService.ListKeys");
        first.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        var snapshot = HeaderSnapshot.Take(first);
        Assert.Equal("TrentService.ListKeys", snapshot.Get("X-Amz-Target"));
        Assert.Equal("TrentService.ListKeys", snapshot.Lookup("X-AMZ-TARGET"));
        Assert.Equal("budget", snapshot.Get("x-amz-BUDGET"));
        Assert.Equal("application/x-amz-json-1.1", snapshot.Get("content-type"));
        Assert.Null(snapshot.Get("X-Amz-Targes"));
        Assert.Null(snapshot.Get("X-Amz-Date"));
        snapshot.Release();

        // The thread's next request reuses the snapshot: nothing of the first one remains.
        using var second = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        second.Headers.TryAddWithoutValidation("X-Amz-Date", "20260115T090000Z");
        var next = HeaderSnapshot.Take(second);
        Assert.Same(snapshot, next);
        Assert.Equal("20260115T090000Z", next.Get("x-amz-date"));
        Assert.Null(next.Get("X-Amz-Target"));
        Assert.Null(next.Get("X-Amz-Budget"));
        Assert.Null(next.Get("Content-Type"));

        // Taken and not yet released, it is no one else's: a request nested in this one gets its own.
        var nested = HeaderSnapshot.Take(first);
        Assert.NotSame(next, nested);
        Assert.Equal("20260115T090000Z", next.Get("X-Amz-Date"));
        Assert.Null(nested.Get("X-Amz-Date"));
        nested.Release();
        next.Release();

        // The spare is this thread's: another thread takes one of its own, and this one's stays.
        var spare = HeaderSnapshot.Take(second);
        spare.Release();
        HeaderSnapshot? theirs = null;
        var other = new Thread(() => theirs = HeaderSnapshot.Take(first));
        other.Start();
        other.Join();
        Assert.NotNull(theirs);
        Assert.NotSame(spare, theirs);
        Assert.Equal("TrentService.ListKeys", theirs.Get("X-Amz-Target"));
        var again = HeaderSnapshot.Take(second);
        Assert.Same(spare, again);
        Assert.Null(again.Get("X-Amz-Target"));
        again.Release();
    }

    [Fact]
    public void A_thread_json_buffer_is_its_threads_own_and_responses_and_audit_copies_do_not_share_one()
    {
        var info = (JsonTypeInfo<string[]>)JsonSerializerOptions.Default.GetTypeInfo(typeof(string[]));
        var (responses, audits) = (ThreadJsonBuffer.Responses, ThreadJsonBuffer.Audit);
        Assert.NotSame(responses, audits);
        var response = responses.Serialize(["response"], info);
        var audit = audits.Serialize(["audit"], info);
        Exception? failure = null;
        var other = new Thread(() =>
        {
            try
            {
                Assert.NotSame(responses, ThreadJsonBuffer.Responses);
                Assert.NotSame(audits, ThreadJsonBuffer.Audit);
                ThreadJsonBuffer.Responses.Serialize(["another thread's response, longer than the first"], info);
                ThreadJsonBuffer.Audit.Serialize(["another thread's audit copy, longer than the first"], info);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        other.Start();
        other.Join();
        Assert.Null(failure);
        Assert.Equal("""["response"]""", Encoding.UTF8.GetString(response.Span));
        Assert.Equal("""["audit"]""", Encoding.UTF8.GetString(audit.Span));
    }

    // ---- SigV4Authorization's remembered scopes, SigV4Verifier's signing keys ----

    [Fact]
    public void A_remembered_scope_never_carries_a_signature_over()
    {
        const string prefix = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, ";
        var first = new string('a', 64);
        var second = new string('b', 64);
        var parsed = SigV4Authorization.Parse(prefix + "Signature=" + first)!;
        Assert.Equal(first, parsed.Signature.ToString());
        for (int i = 0; i < 2; i++)
        {
            var again = SigV4Authorization.Parse(prefix + "Signature=" + second)!;
            Assert.Same(parsed.Scope, again.Scope);
            Assert.Equal(second, again.Signature.ToString());
            Assert.Equal(first, SigV4Authorization.Parse(prefix + "Signature=" + first)!.Signature.ToString());
        }

        // Another Region, day or signed-header list is another scope, even between two uses of the first.
        var europe = SigV4Authorization.Parse(prefix.Replace("us-east-1", "eu-west-1") + "Signature=" + first)!;
        Assert.Equal("eu-west-1", europe.Region);
        var nextDay = SigV4Authorization.Parse(prefix.Replace("20260115", "20260116") + "Signature=" + first)!;
        Assert.Equal("20260116", nextDay.Date);
        var fewer = SigV4Authorization.Parse(prefix.Replace(";x-amz-target", "") + "Signature=" + first)!;
        Assert.Equal(["host", "x-amz-date"], fewer.Scope.SignedHeaderNames);
        Assert.Equal("us-east-1", SigV4Authorization.Parse(prefix + "Signature=" + first)!.Region);

        // A signature that is not the last field is parsed in full, never taken from the cache.
        var reordered = SigV4Authorization.Parse($"AWS4-HMAC-SHA256 Signature={second}, Credential=AKIDEXAMPLE/20260115/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target")!;
        Assert.Equal(second, reordered.Signature.ToString());
        Assert.Equal("us-east-1", reordered.Region);
    }

    [Fact]
    public async Task The_same_access_key_and_scope_with_another_secret_is_refused_between_accepted_requests()
    {
        // Same access key ID, same day, Region and signed headers: the same remembered scope and
        // signing key; only the secret that signed differs.
        var lab = new TestLab(wallClock: new FakeTimeProvider(TestLab.Start)); // requests are signed at TestLab.Start
        var at = TestLab.Start;
        using var invoker = new HttpMessageInvoker(new KmsHttpMessageHandler(lab.Lab.Adapter));
        var admin = lab.Lab.Admin;
        foreach (var secret in new[] { admin.SecretAccessKey, "wrongwrongwrongwrongwrongwrongwrongwrong", admin.SecretAccessKey, admin.SecretAccessKey[..^1] + "!", admin.SecretAccessKey })
        {
            using var response = invoker.Send(SignedRequest(lab, "ListKeys", "{}"u8.ToArray(), admin.AccessKeyId, secret, at: at), default);
            var text = await response.Content.ReadAsStringAsync();
            if (secret == admin.SecretAccessKey) Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            else Assert.Contains("InvalidSignatureException", text);
        }
    }

    [Fact]
    public async Task Signing_keys_are_told_apart_by_secret_day_and_Region_when_requests_take_turns()
    {
        // The verifier remembers the signing key it derived last; every part it is derived from
        // changes between these turns, and every request is signed correctly.
        // Two signing days ten minutes apart, around the wall clock's midnight: both within SigV4's 15 minutes.
        var today = new DateTimeOffset(2026, 1, 15, 23, 55, 0, TimeSpan.Zero);
        var nextDay = today.AddMinutes(10);
        var wallClock = new FakeTimeProvider(today.AddMinutes(5));
        var lab = new TestLab(wallClock);
        var other = new TestLab(wallClock); // another world: the same principals, its own verifier
        using var invoker = new HttpMessageInvoker(new KmsHttpMessageHandler(lab.Lab.Adapter));
        using var otherInvoker = new HttpMessageInvoker(new KmsHttpMessageHandler(other.Lab.Adapter));
        var user = lab.Lab.World.Principals.Find(Lab.KeyUserName, lab.Lab.AccountId)!;
        var turns = new (LabPrincipal Principal, string Region, DateTimeOffset At, HttpMessageInvoker Via)[]
        {
            (lab.Lab.Admin, "us-east-1", today, invoker),
            (user, "us-east-1", today, invoker),
            (lab.Lab.Admin, "eu-west-1", today, invoker),
            (lab.Lab.Admin, "eu-west-1", nextDay, invoker),
            (lab.Lab.Admin, "us-east-1", today, otherInvoker),
            (user, "eu-west-1", nextDay, invoker),
            (lab.Lab.Admin, "us-east-1", today, invoker),
        };
        foreach (var (principal, region, at, via) in turns.Concat(turns))
        {
            using var response = via.Send(SignedRequest(lab, "ListAliases", "{}"u8.ToArray(), principal.AccessKeyId, principal.SecretAccessKey, region, at), default);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("InvalidSignatureException", text);
        }
    }

    private static HttpRequestMessage SignedRequest(TestLab lab, string operation, byte[] body, string? accessKey = null, string? secret = null, string region = "us-east-1", DateTimeOffset? at = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"https://kms.{region}.amazonaws.com/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService." + operation);
        TestSigner.Sign(request, body, accessKey ?? lab.Lab.Admin.AccessKeyId, secret ?? lab.Lab.Admin.SecretAccessKey, region, at);
        return request;
    }
}
