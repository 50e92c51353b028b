using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;
using KmsLab.Simulation.Services;

namespace KmsLab.Simulation;

/// <summary>
/// The KMS engine: every operation with typed inputs and outputs, KMS's rules and KMS's errors.
/// It knows nothing of HTTP or JSON. It is the composition root of one world: the
/// <see cref="RequestPipeline"/> every operation runs through, and the services that carry out
/// the operations by feature. A carrier calls <see cref="Invoke{TRequest, TResponse}"/> with an
/// operation of the <see cref="OperationCatalog"/>.
/// </summary>
internal sealed class KmsEngine
{
    private readonly RequestPipeline _pipeline;
    private readonly AwsManagedKeys _awsManagedKeys;

    public KmsEngine(KmsWorld world)
    {
        World = world;
        _pipeline = new RequestPipeline(world);
        _awsManagedKeys = new AwsManagedKeys(_pipeline);
        var externalKeys = new ExternalKeyStores(_pipeline);
        Keys = new KeyService(_pipeline, _awsManagedKeys, externalKeys);
        Crypto = new CryptoService(_pipeline, externalKeys);
        Asymmetric = new AsymmetricService(_pipeline);
        SharedSecrets = new SharedSecretService(_pipeline);
        Rotation = new RotationService(_pipeline);
        Import = new ImportService(_pipeline);
        Grants = new GrantService(_pipeline);
        Aliases = new AliasService(_pipeline);
        Policies = new PolicyService(_pipeline);
        MultiRegion = new MultiRegionService(_pipeline);
        KeyStores = new CustomKeyStoreService(_pipeline);
    }

    public KmsWorld World { get; }

    public KeyService Keys { get; }

    public CryptoService Crypto { get; }

    public AsymmetricService Asymmetric { get; }

    /// <summary>DeriveSharedSecret (ECDH), Encapsulate and Decapsulate (ML-KEM).</summary>
    public SharedSecretService SharedSecrets { get; }

    public RotationService Rotation { get; }

    public ImportService Import { get; }

    public GrantService Grants { get; }

    public AliasService Aliases { get; }

    /// <summary>Tags and key policies.</summary>
    public PolicyService Policies { get; }

    /// <summary>ReplicateKey and UpdatePrimaryRegion.</summary>
    public MultiRegionService MultiRegion { get; }

    /// <summary>Custom key stores (external key stores).</summary>
    public CustomKeyStoreService KeyStores { get; }

    /// <summary>Carries out one operation of the catalogue for an authenticated caller; throws <see cref="KmsException"/> with KMS's error.</summary>
    public TResponse Invoke<TRequest, TResponse>(KmsOperation<TRequest, TResponse> operation, CallContext ctx, TRequest request)
        where TRequest : class, new()
        where TResponse : class
        => operation.Invoke(this, ctx, request);

    /// <summary>Applies the events that the clock has passed: automatic rotations, scheduled deletions and expiry of imported key material.</summary>
    internal void CatchUp()
    {
        lock (World.Sync)
        {
            _pipeline.CatchUp();
        }
    }

    /// <summary>The AWS managed key of <paramref name="service"/> (e.g. <c>s3</c>) in an account and Region, created on first use.</summary>
    internal KmsKey EnsureAwsManagedKey(string accountId, string region, string service) => _awsManagedKeys.Ensure(accountId, region, service);
}
