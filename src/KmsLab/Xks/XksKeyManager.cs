using System.Security.Cryptography;

namespace KmsLab.Xks;

/// <summary>
/// The external key manager behind <see cref="XksProxy"/>: a software stand-in for the HSM or key
/// manager a real proxy fronts (no hardware, no FIPS validation). It holds 256-bit AES keys by
/// external key ID; their key material is generated here and never handed out — the proxy uses it
/// only to encrypt and decrypt. Safe to use from several threads.
/// </summary>
public sealed class XksKeyManager
{
    private readonly Dictionary<string, XksKey> _keys = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();
    private readonly RandomNumberGenerator _random;
    private readonly TimeProvider _clock;

    /// <summary>An empty key manager.</summary>
    /// <param name="random">Where key material comes from; null: the system's cryptographic generator.</param>
    /// <param name="clock">Gives keys their creation dates; null: the system clock.</param>
    public XksKeyManager(RandomNumberGenerator? random = null, TimeProvider? clock = null)
    {
        _random = random ?? RandomNumberGenerator.Create();
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The keys, ordered by ID.</summary>
    public IReadOnlyList<XksKeyInfo> Keys
    {
        get
        {
            lock (_sync) return [.. _keys.Values.OrderBy(k => k.KeyId, StringComparer.Ordinal).Select(k => k.Info)];
        }
    }

    /// <summary>Creates a 256-bit AES key with fresh random material under <paramref name="keyId"/>.</summary>
    /// <param name="keyId">1 to 128 letters, digits, <c>-</c>, <c>.</c> and <c>_</c> (the specification's external key ID).</param>
    /// <exception cref="ArgumentException">The ID is not a valid external key ID, or a key already has it.</exception>
    public XksKeyInfo CreateKey(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (!XksUriPath.IsValidKeyId(keyId))
            throw new ArgumentException($"'{keyId}' is not a valid external key ID: use 1 to {XksUriPath.MaxKeyIdLength} letters, digits, '-', '.' and '_'.", nameof(keyId));
        var material = new byte[32];
        _random.GetBytes(material);
        var key = new XksKey(keyId, material, XksKeyStatus.Enabled, _clock.GetUtcNow());
        lock (_sync)
        {
            if (!_keys.TryAdd(keyId, key))
            {
                CryptographicOperations.ZeroMemory(material);
                throw new ArgumentException($"The key manager already has a key '{keyId}'.", nameof(keyId));
            }
        }
        return key.Info;
    }

    /// <summary>Enables or disables a key in the key manager (KMS's EnableKey and DisableKey do not reach it).</summary>
    /// <exception cref="KeyNotFoundException">No key has this ID.</exception>
    public XksKeyInfo SetStatus(string keyId, XksKeyStatus status)
    {
        lock (_sync)
        {
            if (!_keys.TryGetValue(keyId, out var key)) throw new KeyNotFoundException($"The key manager has no key '{keyId}'.");
            var changed = key with { Status = status };
            _keys[keyId] = changed;
            return changed.Info;
        }
    }

    /// <summary>The key with this ID, material included, for the proxy's own use.</summary>
    internal XksKey? Find(string keyId)
    {
        lock (_sync) return _keys.GetValueOrDefault(keyId);
    }

    /// <summary>Every key, material included, for the state file.</summary>
    internal IReadOnlyList<XksKey> All()
    {
        lock (_sync) return [.. _keys.Values.OrderBy(k => k.KeyId, StringComparer.Ordinal)];
    }

    /// <summary>Puts back a key read from a state file.</summary>
    internal void Restore(XksKey key)
    {
        lock (_sync)
        {
            if (!_keys.TryAdd(key.KeyId, key)) throw new InvalidDataException($"two keys have the ID '{key.KeyId}'");
        }
    }
}

/// <summary>One key of the key manager, with its material. Never leaves the proxy's process but in its state file.</summary>
internal sealed record XksKey(string KeyId, byte[] Material, XksKeyStatus Status, DateTimeOffset CreationDate)
{
    public XksKeyInfo Info => new(KeyId, Status, CreationDate, Convert.ToHexStringLower(SHA256.HashData(Material).AsSpan(0, 8)));

    /// <summary>Keeps the material out of any text made of this record.</summary>
    public override string ToString() => $"XksKey {{ KeyId = {KeyId}, Status = {Status} }}";
}
