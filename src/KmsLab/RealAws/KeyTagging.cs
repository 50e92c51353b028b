using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace KmsLab.RealAws;

/// <summary>
/// The official KMS client, plus one pipeline step before the SDK marshals a request: every
/// CreateKey (and ReplicateKey) gets the lab's tags (<see cref="LabTags"/>), so that they are part
/// of the signed request and IAM policies can demand them with <c>aws:RequestTag/kmslab:*</c>. Tags
/// the caller set themselves are kept. (AWSSDK.Core 4 keeps BeforeMarshallingEvent internal; a
/// pipeline handler is its public equivalent.)
/// </summary>
internal sealed class TaggingKmsClient(AmazonKeyManagementServiceConfig config, IReadOnlyDictionary<string, string> tags, Action? onRequest = null)
    : AmazonKeyManagementServiceClient(config)
{
    // Initialised before the base constructor runs, which may already build the pipeline.
    private readonly KeyTaggingHandler _handler = new(tags, onRequest);

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerBefore<Marshaller>(_handler);
    }
}

/// <summary>Adds the lab's tags to key-creating requests; passes everything else through.</summary>
internal sealed class KeyTaggingHandler(IReadOnlyDictionary<string, string> tags, Action? onRequest = null) : PipelineHandler
{
    public override void InvokeSync(IExecutionContext executionContext)
    {
        Tag(executionContext.RequestContext.OriginalRequest);
        base.InvokeSync(executionContext);
    }

    public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        Tag(executionContext.RequestContext.OriginalRequest);
        return base.InvokeAsync<T>(executionContext);
    }

    private void Tag(AmazonWebServiceRequest request)
    {
        onRequest?.Invoke();
        switch (request)
        {
            case CreateKeyRequest create:
                create.Tags = Merge(create.Tags, tags);
                break;
            case ReplicateKeyRequest replicate:
                replicate.Tags = Merge(replicate.Tags, tags);
                break;
        }
    }

    internal static List<Tag> Merge(List<Tag>? existing, IReadOnlyDictionary<string, string> tags)
    {
        var merged = existing ?? [];
        foreach (var (key, value) in tags)
        {
            if (!merged.Exists(t => string.Equals(t.TagKey, key, StringComparison.Ordinal))) merged.Add(new Tag { TagKey = key, TagValue = value });
        }
        return merged;
    }
}
