using Amazon.Runtime;

namespace KmsLab.Targets;

/// <summary>Hands the SDK an <see cref="HttpClient"/> whose handler is the simulator's, so requests never touch a network.</summary>
internal sealed class InProcessHttpClientFactory(HttpMessageHandler handler) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

    // One client per SDK client is enough; the SDK's own cache is keyed on config and would share across labs.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
}
