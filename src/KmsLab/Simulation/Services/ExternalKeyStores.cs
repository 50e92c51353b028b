using System.Text.RegularExpressions;
using KmsLab.Simulation.KeyStores;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;

namespace KmsLab.Simulation.Services;

/// <summary>
/// KMS keys in external key stores (Origin EXTERNAL_KEY_STORE): CreateKey checks the external
/// key through the store's proxy (GetKeyMetadata), and every encryption and decryption under such
/// a key goes through the proxy too (<see cref="ExternalCiphertextBlob"/>: KMS's own material and
/// the external key both protect the data). While the store is not CONNECTED, or its proxy fails,
/// the key cannot be used, with the errors of the XKS Proxy API specification's table.
/// </summary>
/// <remarks>
/// The cryptographic calls to the proxy are made under the world lock, as part of the operation:
/// a proxy that does not answer holds every caller of the lab for up to
/// <see cref="LabOptions.XksProxyTimeout"/>.
/// </remarks>
internal sealed partial class ExternalKeyStores(RequestPipeline pipeline)
{
    /// <summary>The Origin of KMS keys in external key stores.</summary>
    public const string Origin = "EXTERNAL_KEY_STORE";

    private static readonly KmsOperation CreateKeyOperation = OperationCatalog.Get("CreateKey");

    private const string XksKeyIdPattern = "^[a-zA-Z0-9-_.]+$";
    [GeneratedRegex(XksKeyIdPattern)] private static partial Regex XksKeyIdRegex();

    private KmsWorld World => pipeline.World;

    /// <summary>What CreateKey checked before it makes a key in an external key store.</summary>
    public sealed record PreparedKey(string CustomKeyStoreId, string XksKeyId);

    /// <summary>
    /// CreateKey's checks for a key in an external key store: the request, the caller's
    /// kms:CreateKey, the store (exists, CONNECTED, external key not yet used), then the external key
    /// itself through the proxy (AES_256, ENCRYPT and DECRYPT, ENABLED). The proxy is called outside the world lock.
    /// </summary>
    public PreparedKey PrepareKey(CallContext ctx, CreateKeyRequest request, KeySpecInfo spec, string usage, IReadOnlyDictionary<string, IReadOnlyList<string>>? conditions)
    {
        RequestValidator.Start()
            .Required(request.CustomKeyStoreId, "customKeyStoreId").Length(request.CustomKeyStoreId, "customKeyStoreId", 1, 64)
            .Required(request.XksKeyId, "xksKeyId").Length(request.XksKeyId, "xksKeyId", 1, 128)
            .Pattern(request.XksKeyId, "xksKeyId", XksKeyIdPattern, id => XksKeyIdRegex().IsMatch(id))
            .ThrowIfInvalid();
        if (spec.Name != KeySpecInfo.SymmetricDefault || usage != "ENCRYPT_DECRYPT")
        {
            throw KmsException.Unsupported($"Keys in an external key store are symmetric encryption keys (KeySpec {KeySpecInfo.SymmetricDefault}, KeyUsage ENCRYPT_DECRYPT), not {spec.Name} {usage}.");
        }
        if (request.MultiRegion == true) throw KmsException.Unsupported("Multi-Region keys cannot be created in a custom key store.");
        var prepared = new PreparedKey(request.CustomKeyStoreId!, request.XksKeyId!);
        var proxy = pipeline.RunWithoutKey(CreateKeyOperation, ctx, prepared, static (p, kms) => ConnectedStore(kms, p).Proxy!, conditions);
        try
        {
            var external = Proxy.GetKeyMetadata(proxy, ctx.Region, prepared.XksKeyId, new XksRequestMetadata(CreateKeyOperation.Name, ctx.RequestId, ctx.Caller.CallerArn));
            if (!external.CanBackAKmsKey)
            {
                throw new KmsException(KmsErrorCodes.XksKeyInvalidConfiguration,
                    $"The external key {prepared.XksKeyId} cannot back a KMS key: it must be an AES_256 key that allows ENCRYPT and DECRYPT and is ENABLED, and the proxy says {external.KeySpec}, [{string.Join(", ", external.KeyUsage)}], {external.KeyStatus}.");
            }
        }
        catch (XksProxyException e)
        {
            throw XksProxyFailures.ToKmsException(e, XksProxyFailures.Caller.CreateKey);
        }
        return prepared;
    }

    /// <summary>The store of a prepared key, checked again under the world lock (it may have been disconnected, or the external key taken, meanwhile).</summary>
    public static CustomKeyStore ConnectedStore(RegionalKms kms, PreparedKey key)
    {
        var store = kms.KeyStores.FirstOrDefault(s => s.Id == key.CustomKeyStoreId)
            ?? throw new KmsException(KmsErrorCodes.CustomKeyStoreNotFound, $"Custom key store '{key.CustomKeyStoreId}' does not exist in this account and Region.");
        if (store.Proxy is null) throw KmsException.Unsupported($"Custom key store {store.Id} is a CloudHSM key store: create its keys with Origin {CloudHsmKeyStores.Origin}.");
        if (!store.IsConnected) throw new KmsException(KmsErrorCodes.CustomKeyStoreInvalidState, XksProxyFailures.Message(XksProxyFailure.NotConnected));
        if (kms.Keys.FirstOrDefault(k => k.CustomKeyStoreId == store.Id && k.XksKeyId == key.XksKeyId) is { } taken)
        {
            throw new KmsException(KmsErrorCodes.XksKeyAlreadyInUse, $"The external key {key.XksKeyId} is already associated with KMS key {taken.Arn} in this external key store.");
        }
        return store;
    }

    /// <summary>Encrypts under a key of an external key store: <paramref name="inner"/> (made with the key's own material), then the external key.</summary>
    public byte[] Encrypt(CallContext ctx, KmsOperation op, KmsKey key, byte[] inner, byte[] canonicalContext)
    {
        var (store, metadata) = Use(ctx, op, key);
        try
        {
            return ExternalCiphertextBlob.Wrap(inner, canonicalContext, (part, aad) => Proxy.Encrypt(store.Proxy!, key.Region, key.XksKeyId!, metadata, part, aad));
        }
        catch (XksProxyException e)
        {
            throw XksProxyFailures.ToKmsException(e, XksProxyFailures.Caller.Cryptographic);
        }
    }

    /// <summary>The inner <see cref="CiphertextBlob"/> of an external key store's ciphertext, decrypted by the proxy.</summary>
    public byte[] Decrypt(CallContext ctx, KmsOperation op, KmsKey key, ExternalCiphertextBlob blob, byte[] canonicalContext)
    {
        var (store, metadata) = Use(ctx, op, key);
        try
        {
            return blob.Inner(Proxy.Decrypt(store.Proxy!, key.Region, key.XksKeyId!, metadata, blob.Outer, blob.ProxyAad(canonicalContext)));
        }
        catch (XksProxyException e)
        {
            throw XksProxyFailures.ToKmsException(e, XksProxyFailures.Caller.Cryptographic);
        }
    }

    private (CustomKeyStore Store, XksRequestMetadata Metadata) Use(CallContext ctx, KmsOperation op, KmsKey key)
    {
        var kms = World.Region(key.AccountId, key.Region);
        var store = kms.KeyStores.FirstOrDefault(s => s.Id == key.CustomKeyStoreId);
        if (store is not { IsConnected: true }) throw KmsException.InvalidState(XksProxyFailures.Message(XksProxyFailure.NotConnected));
        return (store, new XksRequestMetadata(op.Name, ctx.RequestId, ctx.Caller.CallerArn, key.Arn, ctx.ViaService, ctx.SourceVpce));
    }

    private IXksProxy Proxy => World.XksProxy ?? throw KmsException.Unsupported("This lab has no way to reach external key store proxies.");
}
