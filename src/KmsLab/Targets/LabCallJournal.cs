using Amazon.KeyManagementService;
using Amazon.Runtime;

namespace KmsLab.Targets;

/// <summary>
/// The successful calls a lab's clients made, on either target. Exercise checks read it to see how
/// an answer was reached (a ReEncrypt, not a Decrypt then an Encrypt; bytes that GenerateRandom
/// returned) where the audit trail cannot help: it does not exist on real AWS, and it never holds
/// plaintext or ciphertext. Only the newest <see cref="Capacity"/> calls are kept.
/// </summary>
internal sealed class LabCallJournal
{
    /// <summary>How many calls are kept; a lesson makes a few hundred at most.</summary>
    public const int Capacity = 1000;

    private readonly Queue<LabCall> _calls = new();
    private long _plaintextBytesSent;
    private readonly Lock _sync = new();

    /// <summary>Records every successful call <paramref name="client"/> makes from now on, and returns it.</summary>
    public IAmazonKeyManagementService Watch(IAmazonKeyManagementService client, string principal)
    {
        if (client is AmazonServiceClient serviceClient)
        {
            serviceClient.AfterResponseEvent += (_, e) =>
            {
                if (e is WebServiceResponseEventArgs { Request: { } request, Response: { } response }) Add(new LabCall(OperationOf(request), principal, request, response));
            };
        }
        return client;
    }

    /// <summary>The calls kept, oldest first.</summary>
    public IReadOnlyList<LabCall> Calls
    {
        get
        {
            lock (_sync) return _calls.ToList();
        }
    }

    /// <summary>The plaintext bytes the watched clients' successful calls carried to KMS (all of them, not only the calls kept).</summary>
    public long PlaintextBytesSent => Interlocked.Read(ref _plaintextBytesSent);

    /// <summary>The responses of type <typeparamref name="T"/> among the calls kept, oldest first.</summary>
    public IEnumerable<T> Responses<T>() where T : AmazonWebServiceResponse => Calls.Select(c => c.Response).OfType<T>();

    private void Add(LabCall call)
    {
        Interlocked.Add(ref _plaintextBytesSent, PlaintextBytesOf(call.Request));
        lock (_sync)
        {
            _calls.Enqueue(call);
            if (_calls.Count > Capacity) _calls.Dequeue();
        }
    }

    // The members that carry the caller's own data to KMS; keys and ciphertexts are not counted.
    private static long PlaintextBytesOf(AmazonWebServiceRequest request) => request switch
    {
        Amazon.KeyManagementService.Model.EncryptRequest r => r.Plaintext?.Length ?? 0,
        Amazon.KeyManagementService.Model.SignRequest r => r.Message?.Length ?? 0,
        Amazon.KeyManagementService.Model.VerifyRequest r => r.Message?.Length ?? 0,
        Amazon.KeyManagementService.Model.GenerateMacRequest r => r.Message?.Length ?? 0,
        Amazon.KeyManagementService.Model.VerifyMacRequest r => r.Message?.Length ?? 0,
        _ => 0,
    };

    // EncryptRequest → Encrypt: the SDK names every request type after its operation.
    private static string OperationOf(AmazonWebServiceRequest request)
    {
        var name = request.GetType().Name;
        return name.EndsWith("Request", StringComparison.Ordinal) ? name[..^"Request".Length] : name;
    }
}
