using System.Collections.Concurrent;
using System.Reflection;
using KmsLab.Protocol;
using Xunit.Sdk;

[assembly: KmsLab.Tests.FailOnInternalError]

namespace KmsLab.Tests;

/// <summary>
/// Makes every unexpected exception inside the simulator (answered as 500 KMSInternalException) a
/// failing test, wherever in the suite it happens: the adapter reports each one, and the test that
/// is running when it is reported fails. Tests that provoke one on purpose say so with <see cref="Expect"/>.
/// </summary>
public sealed class FailOnInternalErrorAttribute : BeforeAfterTestAttribute
{
    private static readonly ConcurrentQueue<string> Unexpected = new();
    private static readonly ConcurrentDictionary<KmsProtocolAdapter, int> Expecting = new();

    static FailOnInternalErrorAttribute() => KmsProtocolAdapter.InternalErrorObserved += (adapter, e) =>
    {
        if (!Expecting.ContainsKey(adapter)) Unexpected.Enqueue(e.ToString());
    };

    /// <summary>The test means to make <paramref name="lab"/>'s simulator fail; until disposed, its internal errors fail no test.</summary>
    internal static IDisposable Expect(Lab lab)
    {
        Expecting[lab.Adapter] = 0;
        return new Expectation(lab.Adapter);
    }

    /// <summary>Whether the hook is attached to every test (a test checks it is).</summary>
    internal static bool Attached { get; private set; }

    public override void Before(MethodInfo methodUnderTest) => Attached = true;

    public override void After(MethodInfo methodUnderTest)
    {
        var errors = new List<string>();
        while (Unexpected.TryDequeue(out var e)) errors.Add(e);
        if (errors.Count > 0) throw new XunitException($"The simulator failed internally (HTTP 500 KMSInternalException) {errors.Count} time(s) during this test; a bug:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    private sealed class Expectation(KmsProtocolAdapter adapter) : IDisposable
    {
        public void Dispose() => Expecting.TryRemove(adapter, out _);
    }
}
