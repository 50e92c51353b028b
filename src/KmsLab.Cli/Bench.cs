using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;
using KmsLab.Hosting;

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
        output.WriteLine($"{"operation",-16} {"simulator",12} {"floor",12} {"sim CPU µs",11} {"floor CPU µs",13} {"CPU ratio",10} {"wall ratio",11} {"sim B/call",11} {"floor B/call",13}");
        foreach (var r in results)
        {
            output.WriteLine($"{r.Operation,-16} {r.SimulatorPerSecond,8:N0} c/s {r.FloorPerSecond,8:N0} c/s {r.SimulatorCpuMicroseconds,11:F1} {r.FloorCpuMicroseconds,13:F1} {r.CpuRatio,9:F2}x {r.Ratio,10:F2}x {r.SimulatorBytesPerCall,11:N0} {r.FloorBytesPerCall,13:N0}");
        }
        output.WriteLine("floor = the same SDK client against a handler that only replays a recorded response, body and request ID (the SDK's own cost).");
        output.WriteLine("CPU ratio = process CPU time per call, simulator / floor: steady when other programs share the machine.");
        output.WriteLine("wall ratio = elapsed time per call, simulator / floor.");
        output.WriteLine("B/call = bytes allocated on the managed heap per call (all threads): the garbage collector's work.");
        return ExitCodes.Success;
    }

    internal sealed record Result(string Operation, double SimulatorPerSecond, double FloorPerSecond, double SimulatorCpuMicroseconds, double FloorCpuMicroseconds,
        double SimulatorBytesPerCall, double FloorBytesPerCall)
    {
        public double Ratio => FloorPerSecond / SimulatorPerSecond;
        public double CpuRatio => SimulatorCpuMicroseconds / FloorCpuMicroseconds;
    }

    private readonly record struct Measurement(double CallsPerSecond, double CpuMicrosecondsPerCall, double BytesAllocatedPerCall);

    internal static async Task<IReadOnlyList<Result>> MeasureAsync(TimeSpan perOperation, CancellationToken cancellationToken, TimeSpan? warmUp = null)
    {
        var lab = Lab.Simulator();
        var endpoint = new SimulatorEndpoint(lab);
        var admin = lab.GetCredentials(Lab.AdministratorName);
        var recorder = new RecordingHandler(endpoint.CreateHandler());
        var simulator = SimulatorEndpoint.CreateClient(recorder, admin, lab.DefaultRegion);
        var keyId = (await simulator.CreateKeyAsync(new CreateKeyRequest(), cancellationToken)).KeyMetadata.Arn;
        var calls = new Dictionary<string, Func<IAmazonKeyManagementService, Task>>();
        var plaintext = new byte[128];
        var blob = (await simulator.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext) }, cancellationToken)).CiphertextBlob.ToArray();
        calls["Encrypt"] = kms => kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext) }, cancellationToken);
        calls["Decrypt"] = kms => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }, cancellationToken);
        calls["GenerateDataKey"] = kms => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = keyId, KeySpec = DataKeySpec.AES_256 }, cancellationToken);
        foreach (var name in OperationNames) await calls[name](simulator);

        // Measured from here on: a client straight on the simulator's handler, and the floor.
        simulator = SimulatorEndpoint.CreateClient(endpoint.CreateHandler(), admin, lab.DefaultRegion);
        var floor = SimulatorEndpoint.CreateClient(new ReplayHandler(recorder.Recorded), admin, lab.DefaultRegion);
        // Tiered JIT needs thousands of calls before code reaches its final form: warm every path first.
        foreach (var name in OperationNames)
        {
            _ = await CallsPerSecondAsync(() => calls[name](simulator), warmUp ?? TimeSpan.FromSeconds(1));
            _ = await CallsPerSecondAsync(() => calls[name](floor), warmUp ?? TimeSpan.FromSeconds(1));
        }
        var results = new List<Result>();
        foreach (var name in OperationNames)
        {
            // Alternate the two targets so that drift in machine load affects both alike.
            var sim = new List<Measurement>();
            var flo = new List<Measurement>();
            for (int round = 0; round < 4; round++)
            {
                sim.Add(await CallsPerSecondAsync(() => calls[name](simulator), perOperation / 4));
                flo.Add(await CallsPerSecondAsync(() => calls[name](floor), perOperation / 4));
            }
            results.Add(new Result(name, sim.Average(m => m.CallsPerSecond), flo.Average(m => m.CallsPerSecond), sim.Min(m => m.CpuMicrosecondsPerCall), flo.Min(m => m.CpuMicrosecondsPerCall),
                sim.Average(m => m.BytesAllocatedPerCall), flo.Average(m => m.BytesAllocatedPerCall)));
        }
        return results;
    }

    private static async Task<Measurement> CallsPerSecondAsync(Func<Task> call, TimeSpan duration)
    {
        long count = 0;
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            for (int i = 0; i < 50; i++) await call();
            count += 50;
        }
        var elapsed = watch.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new Measurement(count / elapsed.TotalSeconds, cpu.TotalMicroseconds / count, (double)allocated / count);
    }

    /// <summary>A response as the simulator sent it: its body, content type and the request ID header every KMS response carries.</summary>
    private sealed record RecordedResponse(byte[] Body, MediaTypeHeaderValue? ContentType, string RequestId);

    /// <summary>
    /// Passes requests to the simulator and keeps the response of each operation for the floor to
    /// replay. Only the first calls go through it: the measured calls use a client without it, so
    /// that they carry no work of the bench's own.
    /// </summary>
    private sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public Dictionary<string, RecordedResponse> Recorded { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var target = request.Headers.GetValues("X-Amz-Target").First();
            Recorded[target] = new RecordedResponse(
                await response.Content.ReadAsByteArrayAsync(cancellationToken), response.Content.Headers.ContentType, response.Headers.GetValues(RequestIdHeader).Single());
            return response;
        }
    }

    private const string RequestIdHeader = EndpointResponse.RequestIdHeader;

    /// <summary>
    /// The floor: answers every request with the response recorded for its operation — body and
    /// request ID, as KMS would send them, so the SDK parses the same response — and does no other work.
    /// </summary>
    private sealed class ReplayHandler(Dictionary<string, RecordedResponse> recorded) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.GetValues("X-Amz-Target").First();
            var (body, contentType, requestId) = recorded[target];
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = contentType;
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
            response.Headers.TryAddWithoutValidation(RequestIdHeader, requestId);
            return Task.FromResult(response);
        }
    }
}
