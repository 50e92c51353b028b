using KmsLab.Simulation.Operations;

namespace KmsLab.Simulation;

/// <summary>
/// Counts requests per account, Region and quota in one-second windows of the lab clock and
/// refuses those over the quota with ThrottlingException, as AWS does.
/// </summary>
internal sealed class RequestRateLimiter(RequestQuotas quotas, TimeProvider clock)
{
    private readonly Dictionary<(string Account, string Region, QuotaClass Quota), (long Second, int Count)> _windows = [];
    private readonly Lock _sync = new();

    /// <summary>How many requests were refused so far.</summary>
    public long Throttled { get; private set; }

    public void Acquire(string accountId, string region, KmsOperation operation)
    {
        if (operation.Quota == QuotaClass.None) return;
        int limit = quotas.LimitOf(operation.Quota);
        long second = clock.GetUtcNow().ToUnixTimeSeconds();
        lock (_sync)
        {
            var key = (accountId, region, operation.Quota);
            var window = _windows.GetValueOrDefault(key);
            if (window.Second != second) window = (second, 0);
            if (window.Count >= limit)
            {
                Throttled++;
                throw new KmsException(KmsErrorCodes.Throttling, "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.");
            }
            _windows[key] = (second, window.Count + 1);
        }
    }
}
