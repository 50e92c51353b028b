using System.Net;
using System.Text;
using KmsLab.Protocol;

namespace KmsLab.Tests.Protocol;

/// <summary>The allocation-light readers of every request: the SigV4 header, the header snapshot, the body.</summary>
public class RequestParsingTests
{
    private const string Valid =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/eu-west-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=00ff";

    [Fact]
    public void A_SigV4_header_is_split_into_its_parts()
    {
        var a = SigV4Authorization.Parse(Valid)!;
        Assert.Equal(("AKIDEXAMPLE", "20261128", "eu-west-1", "kms", "content-type;host;x-amz-date", "00ff"),
            (a.AccessKeyId, a.Date, a.Region, a.Service, a.SignedHeaders, a.Signature.ToString()));
    }

    [Fact]
    public void Parts_may_come_in_any_order_with_extra_spaces()
    {
        var a = SigV4Authorization.Parse("AWS4-HMAC-SHA256 Signature=ab ,  SignedHeaders=host,Credential=AK/20261128/us-east-1/kms/aws4_request")!;
        Assert.Equal(("AK", "host", "ab"), (a.AccessKeyId, a.SignedHeaders, a.Signature.ToString()));
    }

    [Fact]
    public void Recurring_parts_are_shared_strings_and_the_signature_is_not_confused_between_requests()
    {
        var first = SigV4Authorization.Parse(Valid)!;
        var second = SigV4Authorization.Parse(Valid.Replace("Signature=00ff", "Signature=11ee"))!;
        Assert.Same(first.Scope, second.Scope);
        Assert.Equal("11ee", second.Signature.ToString());
        Assert.Equal(["content-type", "host", "x-amz-date"], second.Scope.SignedHeaderNames);

        // Clients taking turns: the scope checked first (the last one seen) must never answer for another.
        var other = Valid.Replace("eu-west-1", "us-east-2");
        foreach (var header in new[] { other, Valid, other, other, Valid })
        {
            var a = SigV4Authorization.Parse(header)!;
            Assert.Equal(header == Valid ? "eu-west-1" : "us-east-2", a.Region);
        }
    }

    [Fact]
    public void A_known_scope_followed_by_more_fields_after_the_signature_is_parsed_in_full()
    {
        _ = SigV4Authorization.Parse(Valid);
        var a = SigV4Authorization.Parse(Valid.Replace("Signature=00ff", "Signature=00ff, SignedHeaders=host"))!;
        Assert.Equal(("host", "00ff"), (a.SignedHeaders, a.Signature.ToString()));
        Assert.Null(SigV4Authorization.Parse(Valid.Replace("Signature=00ff", "Signature=00ff, Credential")));
    }

    [Fact]
    public void A_signature_glued_to_another_field_never_takes_the_remembered_path()
    {
        // The full parse reads "SignedHeaders=hostSignature=…" as one field; so must every later parse.
        const string glued = "AWS4-HMAC-SHA256 Signature=aa, Credential=AK/20261128/us-east-1/kms/aws4_request, SignedHeaders=hostSignature=";
        var first = SigV4Authorization.Parse(glued + "11")!;
        var second = SigV4Authorization.Parse(glued + "22")!;
        Assert.Equal(("hostSignature=11", "aa"), (first.SignedHeaders, first.Signature.ToString()));
        Assert.Equal(("hostSignature=22", "aa"), (second.SignedHeaders, second.Signature.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("AWS4-HMAC-SHA1 Credential=AK/20261128/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AK/20261128/us-east-1/kms/aws4_request, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AK/20261128/us-east-1/kms/aws4_request, SignedHeaders=host")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AK/20261128/us-east-1/kms, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AK/20261128/us-east-1/kms/aws4_request/extra, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AK//us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AK/20261128/us-east-1/kms/aws4_other, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 =AK, SignedHeaders=host, Signature=00")]
    public void Malformed_SigV4_headers_are_refused(string header) => Assert.Null(SigV4Authorization.Parse(header));

    [Fact]
    public void The_header_snapshot_finds_request_and_content_headers_case_insensitively()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.ListKeys");
        request.Headers.TryAddWithoutValidation("X-Multi", ["a", "b"]);
        request.Content = new ByteArrayContent([1, 2, 3]);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        var headers = HeaderSnapshot.Take(request);
        Assert.Equal("TrentService.ListKeys", headers.Get("x-amz-target"));
        Assert.Equal("application/x-amz-json-1.1", headers.Get("CONTENT-TYPE"));
        Assert.Equal("a, b", headers.Get("X-Multi"));
        Assert.Null(headers.Get("Authorization"));
        headers.Release();
    }

    [Fact]
    public void A_reused_header_snapshot_holds_only_the_next_request_and_tells_apart_names_alike_in_length_and_ends()
    {
        using var first = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/");
        first.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.ListKeys");
        HeaderSnapshot.Take(first).Release();

        using var second = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/");
        // Same length, first and last letter as X-Amz-Date: the lookup must compare the whole name.
        second.Headers.TryAddWithoutValidation("x-amz-dote", "wrong");
        second.Headers.TryAddWithoutValidation("X-AMZ-DATE", "20261128T120000Z");
        var headers = HeaderSnapshot.Take(second);
        Assert.Equal("20261128T120000Z", headers.Get("x-amz-date"));
        Assert.Equal("wrong", headers.Get("X-Amz-Dote"));
        Assert.Null(headers.Get("X-Amz-Target"));
        headers.Release();
    }

    public static TheoryData<string, bool> ContentKinds => new()
    {
        { "bytes", false }, { "memory", false }, { "stream", false }, { "unknown-length", false },
        { "bytes", true }, { "memory", true }, { "stream", true }, { "unknown-length", true },
    };

    [Theory]
    [MemberData(nameof(ContentKinds))]
    public async Task Every_kind_of_request_content_reaches_the_adapter_whole(string kind, bool synchronously)
    {
        var lab = new TestLab();
        var body = Encoding.UTF8.GetBytes("{\"Limit\":7}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/");
        request.Content = kind switch
        {
            "bytes" => new ByteArrayContent(body),
            "memory" => new ReadOnlyMemoryContent(body),
            "stream" => new StreamContent(new MemoryStream(body)),
            _ => new StreamContent(new NonSeekableStream(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "TrentService.ListKeys");
        TestSigner.Sign(request, body, lab.Lab.Admin.AccessKeyId, lab.Lab.Admin.SecretAccessKey);
        using var client = new HttpClient(new KmsHttpMessageHandler(lab.Lab.Adapter));
        var response = synchronously ? client.Send(request) : await client.SendAsync(request);
        // A signature over the whole body verifies only if the whole body arrived.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(50)]
    [InlineData(70_000)]
    public void In_memory_content_that_misdeclares_its_length_still_reaches_the_adapter_whole(long declared)
    {
        // The handler copies in-memory bodies into a buffer kept per thread, trusting Content-Length
        // only if the copy matches it. A large request first leaves that buffer bigger and dirty;
        // every body after it must arrive exactly as sent.
        var lab = new TestLab();
        using var client = new HttpMessageInvoker(new KmsHttpMessageHandler(lab.Lab.Adapter));
        foreach (var limit in new[] { "{\"Limit\":7" + new string(' ', 60_000) + "}", "{\"Limit\":7}", "{}" })
        {
            var body = Encoding.UTF8.GetBytes(limit);
            using var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/") { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
            request.Content.Headers.ContentLength = declared;
            request.Headers.Add("X-Amz-Target", "TrentService.ListKeys");
            TestSigner.Sign(request, body, lab.Lab.Admin.AccessKeyId, lab.Lab.Admin.SecretAccessKey);
            using var response = client.Send(request, default);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
