using System.Text.RegularExpressions;
using Amazon.KeyManagementService.Model;
using KmsLab.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Identity;

/// <summary>
/// SigV4's clock check, as AWS makes it: a request signed more than 15 minutes from the wall clock
/// (either way) is InvalidSignatureException, with AWS's "Signature expired" / "Signature not yet
/// current" wording; the wall clock is the one clients sign with, never the lab's simulated clock.
/// </summary>
public class SignatureClockTests
{
    private static readonly Regex Expired = new(@"^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 15 min\.\)$");
    private static readonly Regex NotYetCurrent = new(@"^Signature not yet current: (\d{8}T\d{6}Z) is still later than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) \+ 15 min\.\)$");

    private static string Amz(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_SDK_client_whose_clock_is_an_hour_behind_the_wall_clock_is_refused_with_Signature_expired()
    {
        // The SDK signs with the machine's clock; the lab's wall clock is an hour ahead of it.
        var wallClock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        var lab = new TestLab(wallClock);
        var e = await KmsAssert.Code("InvalidSignatureException", () => lab.Kms.ListKeysAsync(new ListKeysRequest()));
        var match = Expired.Match(e.Message);
        Assert.True(match.Success, e.Message);
        Assert.Equal(Amz(wallClock.GetUtcNow()), match.Groups[3].Value);
        Assert.Equal(Amz(wallClock.GetUtcNow().AddMinutes(-15)), match.Groups[2].Value);
        Assert.Empty(lab.Lab.AuditTrail.Events); // refused at the door, as AWS does: no CloudTrail event
    }

    [Fact]
    public async Task The_SDK_client_whose_clock_is_an_hour_ahead_of_the_wall_clock_is_refused_with_Signature_not_yet_current()
    {
        var wallClock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var lab = new TestLab(wallClock);
        var e = await KmsAssert.Code("InvalidSignatureException", () => lab.Kms.ListKeysAsync(new ListKeysRequest()));
        var match = NotYetCurrent.Match(e.Message);
        Assert.True(match.Success, e.Message);
        Assert.Equal(Amz(wallClock.GetUtcNow()), match.Groups[3].Value);
        Assert.Equal(Amz(wallClock.GetUtcNow().AddMinutes(15)), match.Groups[2].Value);
    }

    [Fact]
    public async Task Advancing_the_lab_clock_a_year_never_makes_the_next_call_stale()
    {
        // The default wall clock is the system's, which the SDK signs with: the simulated clock,
        // moved a year (and a year back is impossible), plays no part in the check.
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("a year on") })).CiphertextBlob;
        lab.Lab.Clock.Advance(TimeSpan.FromDays(365));
        var plaintext = (await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext;
        Assert.Equal("a year on", Bytes.Text(plaintext));
        Assert.Equal(TestLab.Start.AddDays(365), lab.Lab.AuditTrail.Events[^1].EventTime);
    }

    [Theory]
    [InlineData(-30 * 24 * 60, "Signature expired")] // the issue's replay: a request captured 30 days ago
    [InlineData(-16, "Signature expired")]
    [InlineData(-15, null)]
    [InlineData(-14, null)]
    [InlineData(14, null)]
    [InlineData(15, null)]
    [InlineData(16, "Signature not yet current")]
    public async Task A_request_signed_more_than_15_minutes_from_the_wall_clock_is_refused(int minutes, string? refusal)
    {
        var now = new DateTimeOffset(2026, 12, 2, 17, 0, 0, TimeSpan.Zero);
        var lab = new TestLab(new FakeTimeProvider(now));
        using var invoker = new HttpMessageInvoker(new KmsHttpMessageHandler(lab.Lab.Adapter));
        using var response = await invoker.SendAsync(SignedRequest(lab, now.AddMinutes(minutes)), default);
        var text = await response.Content.ReadAsStringAsync();
        if (refusal is null)
        {
            Assert.True(response.IsSuccessStatusCode, text);
            return;
        }
        var (type, message) = Error(text);
        Assert.Equal("InvalidSignatureException", type);
        Assert.StartsWith(refusal + ": " + Amz(now.AddMinutes(minutes)), message);
        Assert.EndsWith($"({Amz(now)} {(minutes < 0 ? "-" : "+")} 15 min.)", message);
    }

    [Fact]
    public async Task An_X_Amz_Date_that_is_not_an_ISO_8601_basic_date_is_an_IncompleteSignatureException()
    {
        var lab = new TestLab();
        using var invoker = new HttpMessageInvoker(new KmsHttpMessageHandler(lab.Lab.Adapter));
        var request = SignedRequest(lab, DateTimeOffset.UtcNow);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", "2026-12-02T17:00:00Z");
        using var response = await invoker.SendAsync(request, default);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '2026-12-02T17:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"), Error(text));
    }

    private static (string? Type, string? Message) Error(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return (doc.RootElement.GetProperty("__type").GetString(), doc.RootElement.GetProperty("message").GetString());
    }

    private static HttpRequestMessage SignedRequest(TestLab lab, DateTimeOffset at)
    {
        var body = "{}"u8.ToArray();
        var request = new HttpRequestMessage(HttpMethod.Post, "https://kms.us-east-1.amazonaws.com/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.ListKeys");
        Protocol.TestSigner.Sign(request, body, lab.Lab.Admin.AccessKeyId, lab.Lab.Admin.SecretAccessKey, at: at);
        return request;
    }
}
