using System.Globalization;
using KmsLab.Simulation;

namespace KmsLab.Protocol;

/// <summary>
/// SigV4's clock check: a request is served only if its <c>X-Amz-Date</c> is within 15 minutes of
/// now, either way, so that a captured request cannot be replayed later. "Now" is the wall clock the
/// client signs with (an injected <see cref="TimeProvider"/>, <see cref="TimeProvider.System"/> by
/// default), never the lab's simulated clock: a lesson that moves the lab a year ahead must not make
/// the learner's next call look a year stale.
/// </summary>
/// <remarks>
/// Messages and codes as AWS's JSON services answer (Coral), e.g. from aws/aws-sdk-js#254 (KMS's
/// neighbour DynamoDB): <c>InvalidSignatureException</c> "Signature expired: 20140325T143453Z is now
/// earlier than 20140325T143751Z (20140325T145251Z - 15 min.)", and for a date ahead
/// (serverless/enterprise#11) "Signature not yet current: 20181120T211543Z is still later than
/// 20181120T211529Z (20181120T211029Z + 5 min.)" (KMS's window is 15 minutes, as in
/// upmc-enterprises/registry-creds#24 and aws/aws-cli#6676). An unreadable date is
/// <c>IncompleteSignatureException</c> "Date must be in ISO-8601 'basic format'. Got '201'. See
/// http://en.wikipedia.org/wiki/ISO_8601" (mhart/dynalite's <c>index.js</c>, which records Coral's checks
/// in order). The SDKs read the server's time from the parenthesis and correct their clock.
/// <para>
/// Hot-path cache. <b>Keeps:</b> the last <c>X-Amz-Date</c> text read and its parsed value
/// (<c>_last</c>): an SDK client stamps one date per second, so most requests parse none.
/// <b>Invalidation:</b> none is needed: the value is a function of the text, which is compared in
/// full. The comparison with the wall clock is made on every request, cache hit or not. Tests:
/// <c>HotPathCacheTests</c> (the same signed request refused once the wall clock moves on).
/// </para>
/// </remarks>
internal sealed class SignatureClock(TimeProvider wallClock, TimeSpan? window = null)
{
    /// <summary>How far a request's time may be from now, either way, at KMS (the default <see cref="Allowed"/>).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>How far a request's time may be from now, either way, at this check (the XKS proxy API allows 5 minutes).</summary>
    public TimeSpan Allowed { get; } = window ?? Window;

    private const string Format = "yyyyMMdd'T'HHmmss'Z'";

    private volatile ParsedDate? _last;

    private sealed record ParsedDate(string Text, DateTimeOffset Value);

    public TimeProvider WallClock { get; } = wallClock;

    /// <summary>Throws AWS's error unless <paramref name="amzDate"/> is a SigV4 date within <see cref="Window"/> of the wall clock.</summary>
    /// <exception cref="KmsException">IncompleteSignatureException (not a date) or InvalidSignatureException (too old or too new).</exception>
    public void Check(string amzDate)
    {
        var signedAt = Parse(amzDate);
        var now = WallClock.GetUtcNow();
        var minutes = Allowed.TotalMinutes.ToString(CultureInfo.InvariantCulture);
        if (signedAt < now - Allowed)
        {
            throw new KmsException(KmsErrorCodes.InvalidSignature, $"Signature expired: {amzDate} is now earlier than {Text(now - Allowed)} ({Text(now)} - {minutes} min.)");
        }
        if (signedAt > now + Allowed)
        {
            throw new KmsException(KmsErrorCodes.InvalidSignature, $"Signature not yet current: {amzDate} is still later than {Text(now + Allowed)} ({Text(now)} + {minutes} min.)");
        }
    }

    private DateTimeOffset Parse(string amzDate)
    {
        var last = _last;
        if (last is not null && string.Equals(last.Text, amzDate, StringComparison.Ordinal)) return last.Value;
        if (!DateTimeOffset.TryParseExact(amzDate, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new KmsException(KmsErrorCodes.IncompleteSignature, $"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
        }
        _last = new ParsedDate(amzDate, value);
        return value;
    }

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
