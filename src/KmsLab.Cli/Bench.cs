using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Protocol;

namespace KmsLab.Cli;

/// <summary>
/// Measures the simulator's cost per call as a learner's code sees it: through the official SDK
/// client. Beside it runs the same client against a handler that does nothing but replay a
/// recorded response — the floor, i.e. what the SDK's own signing, marshalling and parsing cost.
/// </summary>
internal static class Bench
{
    private static readonly string[] OperationNames = ["Encrypt", "Decrypt", "GenerateDataKey"];

    public static async Task<int> RunAsync(TextWriter output, TimeSpan perOperation, CancellationToken cancellationToken = default)
    {
        var results = await MeasureAsync(perOperation, cancellationToken);
        output.WriteLine($"KmsLab bench — {Environment.ProcessorCount} cores, {perOperation.TotalSeconds:0.#} s per operation and target, one client, sequential calls");
        output.WriteLine($"{"operation",-16} {"simulator",14} {"floor (no-op)",14} {"sim µs/call",12} {"floor µs/call",14} {"ratio",7}");
        foreach (var r in results)
        {
            output.WriteLine($"{r.Operation,-16} {r.SimulatorPerSecond,10:N0} c/s {r.FloorPerSecond,10:N0} c/s {r.SimulatorMicroseconds,12:F1} {r.FloorMicroseconds,14:F1} {r.Ratio,6:F2}x");
        }
        output.WriteLine("ratio = simulator time per call / floor time per call (1.00x would mean the simulator costs nothing).");
        return 0;
    }

    internal sealed record Result(string Operation, double SimulatorPerSecond, double FloorPerSecond)
    {
        public double SimulatorMicroseconds => 1e6 / SimulatorPerSecond;
        public double FloorMicroseconds => 1e6 / FloorPerSecond;
        public double Ratio => FloorPerSecond / SimulatorPerSecond;
    }

    internal static async Task<IReadOnlyList<Result>> MeasureAsync(TimeSpan perOperation, CancellationToken cancellationToken, TimeSpan? warmUp = null)
    {
        var lab = Lab.Simulator();
        var recorder = new RecordingHandler(new KmsHttpMessageHandler(lab.Adapter));
        var simulator = Lab.CreateSdkClient(recorder, lab.Admin, lab.DefaultRegion, maxErrorRetry: 0);
        var keyId = (await simulator.CreateKeyAsync(new CreateKeyRequest(), cancellationToken)).KeyMetadata.Arn;
        var calls = new Dictionary<string, Func<IAmazonKeyManagementService, Task>>();
        var plaintext = new byte[128];
        var blob = (await simulator.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext) }, cancellationToken)).CiphertextBlob.ToArray();
        calls["Encrypt"] = kms => kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext) }, cancellationToken);
        calls["Decrypt"] = kms => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }, cancellationToken);
        calls["GenerateDataKey"] = kms => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = keyId, KeySpec = DataKeySpec.AES_256 }, cancellationToken);
        foreach (var name in OperationNames) await calls[name](simulator);

        var floor = Lab.CreateSdkClient(new ReplayHandler(recorder.Recorded), lab.Admin, lab.DefaultRegion, maxErrorRetry: 0);
        // Tiered JIT needs thousands of calls before code reaches its final form: warm every path first.
        foreach (var name in OperationNames)
        {
            await CallsPerSecondAsync(() => calls[name](simulator), warmUp ?? TimeSpan.FromSeconds(1));
            await CallsPerSecondAsync(() => calls[name](floor), warmUp ?? TimeSpan.FromSeconds(1));
        }
        var results = new List<Result>();
        foreach (var name in OperationNames)
        {
            // Alternate the two targets so that drift in machine load affects both alike.
            double simTotal = 0, floorTotal = 0;
            for (int round = 0; round < 4; round++)
            {
                simTotal += await CallsPerSecondAsync(() => calls[name](simulator), perOperation / 4);
                floorTotal += await CallsPerSecondAsync(() => calls[name](floor), perOperation / 4);
            }
            results.Add(new Result(name, simTotal / 4, floorTotal / 4));
        }
        return results;
    }

    private static async Task<double> CallsPerSecondAsync(Func<Task> call, TimeSpan duration)
    {
        long count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            for (int i = 0; i < 50; i++) await call();
            count += 50;
        }
        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Passes requests to the simulator and keeps the last response body of each operation.</summary>
    private sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public Dictionary<string, byte[]> Recorded { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var target = request.Headers.GetValues("X-Amz-Target").First();
            Recorded[target] = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return response;
        }
    }

    /// <summary>The floor: answers every request with a recorded response and does no other work.</summary>
    private sealed class ReplayHandler(Dictionary<string, byte[]> recorded) : HttpMessageHandler
    {
        private static readonly MediaTypeHeaderValue Json = new(KmsWireResponse.ContentType);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.GetValues("X-Amz-Target").First();
            var content = new ByteArrayContent(recorded[target]);
            content.Headers.ContentType = Json;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
