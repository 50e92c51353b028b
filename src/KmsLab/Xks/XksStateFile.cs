using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using KmsLab.Persistence;

namespace KmsLab.Xks;

/// <summary>
/// The state of <c>kmslab xks-proxy --state FILE</c>: the proxy's URI path prefix, its credential and
/// its key manager's keys with their key material — so a restarted proxy answers the same external
/// key store with the same keys. <see cref="Open"/> takes the file for this process alone (a second
/// kmslab process on it is refused) and reads it, or starts a new state; <see cref="Save"/> writes it
/// atomically, readable and writable by its owner only (mode 0600: it holds secrets). A file that is
/// not an xks-proxy state (a <c>kmslab serve</c> state, another program's file, a damaged one) is
/// refused with a message saying so, and left exactly as it was.
/// </summary>
public sealed class XksStateFile : IDisposable
{
    /// <summary>The <c>format</c> member that marks an xks-proxy state file.</summary>
    public const string FormatName = "kmslab-xks-proxy-state";

    /// <summary>The version of the format this KmsLab writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The path prefix a new state gets when none is asked for.</summary>
    public const string DefaultUriPathPrefix = "/kmslab";

    private readonly StateFileLock _lock;

    private XksStateFile(string path, StateFileLock fileLock, bool isNew, string prefix, XksCredential credential, XksKeyManager keys)
    {
        Path = path;
        _lock = fileLock;
        IsNew = isNew;
        UriPathPrefix = prefix;
        Credential = credential;
        Keys = keys;
    }

    /// <summary>The state file's full path.</summary>
    public string Path { get; }

    /// <summary>True if the file did not exist: this state is new, and not on disk until <see cref="Save"/>.</summary>
    public bool IsNew { get; }

    /// <summary>The proxy's path prefix before <c>/kms/xks/v1</c> (may be empty).</summary>
    public string UriPathPrefix { get; }

    /// <summary>The proxy's SigV4 credential.</summary>
    public XksCredential Credential { get; }

    /// <summary>The key manager, holding the saved keys.</summary>
    public XksKeyManager Keys { get; }

    /// <summary>
    /// Takes the state file at <paramref name="path"/> for this process and reads it; if it does not
    /// exist, a new state (with <paramref name="newUriPathPrefix"/> and a fresh credential) that
    /// <see cref="Save"/> writes.
    /// </summary>
    /// <param name="path">The state file; its folder must exist.</param>
    /// <param name="newUriPathPrefix">The path prefix of a new state; null: <see cref="DefaultUriPathPrefix"/>. A saved state keeps its own.</param>
    /// <param name="random">Where a new credential and new keys' material come from; null: the system's cryptographic generator.</param>
    /// <param name="clock">Gives new keys their creation dates; null: the system clock.</param>
    /// <exception cref="IOException">Another process holds the file, or it cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file exists but is not a readable, consistent xks-proxy state (the message says what it is instead).</exception>
    /// <exception cref="ArgumentException"><paramref name="newUriPathPrefix"/> is not a valid path prefix.</exception>
    public static XksStateFile Open(string path, string? newUriPathPrefix = null, RandomNumberGenerator? random = null, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var prefix = newUriPathPrefix ?? DefaultUriPathPrefix;
        if (XksUriPath.PrefixProblem(prefix) is { } wrong) throw new ArgumentException($"Unusable path prefix: {wrong}.", nameof(newUriPathPrefix));
        random ??= RandomNumberGenerator.Create();
        var full = System.IO.Path.GetFullPath(path);
        var fileLock = StateFileLock.Acquire(full);
        try
        {
            StateFile.RemoveLeftovers(full);
            var keys = new XksKeyManager(random, clock);
            if (!File.Exists(full)) return new XksStateFile(full, fileLock, isNew: true, prefix, XksCredential.Generate(random), keys);
            var saved = Read(full);
            foreach (var key in saved.Keys) keys.Restore(key);
            return new XksStateFile(full, fileLock, isNew: false, saved.Prefix, saved.Credential, keys);
        }
        catch
        {
            fileLock.Dispose();
            throw;
        }
    }

    /// <summary>Writes the state (prefix, credential, every key) to the file, atomically, owner-only.</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public void Save()
    {
        var document = new SavedState
        {
            Format = FormatName,
            Version = CurrentVersion,
            UriPathPrefix = UriPathPrefix,
            AccessKeyId = Credential.AccessKeyId,
            RawSecretAccessKey = Credential.RawSecretAccessKey,
            Keys = [.. Keys.All().Select(k => new SavedKey { KeyId = k.KeyId, Material = k.Material, Status = k.Status == XksKeyStatus.Enabled ? "ENABLED" : "DISABLED", CreationDate = k.CreationDate })],
        };
        StateFile.WriteAtomically(Path, JsonSerializer.SerializeToUtf8Bytes(document, XksStateJsonContext.Default.SavedState));
    }

    /// <summary>Releases the file for other processes.</summary>
    public void Dispose() => _lock.Dispose();

    private static (string Prefix, XksCredential Credential, List<XksKey> Keys) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        string Refuse(string why) => $"The file '{path}' is not an xks-proxy state file: {why}. It was left as it is.";
        if (bytes.Length == 0) throw new InvalidDataException(Refuse("it is empty"));
        SavedState? state;
        try
        {
            state = JsonSerializer.Deserialize(bytes, XksStateJsonContext.Default.SavedState);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(Refuse($"it is not the JSON of one ({e.Message})"), e);
        }
        if (state is null) throw new InvalidDataException(Refuse("it holds JSON null"));
        if (state.Format == Persistence.WorldSnapshot.FormatName) throw new InvalidDataException(Refuse("it is a 'kmslab serve' state file (the simulator's world)"));
        if (state.Format != FormatName) throw new InvalidDataException(Refuse(state.Format is null ? "it has no \"format\": \"" + FormatName + "\"" : $"its format is '{state.Format}'"));
        if (state.Version > CurrentVersion) throw new InvalidDataException($"The xks-proxy state file '{path}' is version {state.Version}, written by a newer KmsLab (this one reads version {CurrentVersion}). It was left as it is.");
        string Damaged(string why) => $"The xks-proxy state file '{path}' is damaged: {why}. It was left as it is.";
        var prefix = state.UriPathPrefix ?? throw new InvalidDataException(Damaged("it has no uriPathPrefix"));
        if (XksUriPath.PrefixProblem(prefix) is { } wrong) throw new InvalidDataException(Damaged(wrong));
        var credential = new XksCredential(state.AccessKeyId!, state.RawSecretAccessKey!);
        if (credential.Problem() is { } bad) throw new InvalidDataException(Damaged(bad));
        var keys = new List<XksKey>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in state.Keys ?? [])
        {
            if (key.KeyId is null || !XksUriPath.IsValidKeyId(key.KeyId)) throw new InvalidDataException(Damaged($"a key has the ID '{key.KeyId}', which is not a valid external key ID"));
            if (!seen.Add(key.KeyId)) throw new InvalidDataException(Damaged($"two keys have the ID '{key.KeyId}'"));
            if (key.Material is not { Length: 32 }) throw new InvalidDataException(Damaged($"the key '{key.KeyId}' has no 256-bit key material"));
            var status = key.Status switch
            {
                "ENABLED" => XksKeyStatus.Enabled,
                "DISABLED" => XksKeyStatus.Disabled,
                _ => throw new InvalidDataException(Damaged($"the key '{key.KeyId}' has the status '{key.Status}' (ENABLED or DISABLED)")),
            };
            keys.Add(new XksKey(key.KeyId, key.Material, status, key.CreationDate ?? DateTimeOffset.UnixEpoch));
        }
        return (prefix, credential, keys);
    }

    internal sealed class SavedState
    {
        public string? Format { get; set; }
        public int Version { get; set; }
        public string? UriPathPrefix { get; set; }
        public string? AccessKeyId { get; set; }
        public string? RawSecretAccessKey { get; set; }
        public List<SavedKey>? Keys { get; set; }
    }

    internal sealed class SavedKey
    {
        public string? KeyId { get; set; }

        /// <summary>The key material: the one place it is ever written, in a file only its owner can read.</summary>
        public byte[]? Material { get; set; }

        public string? Status { get; set; }
        public DateTimeOffset? CreationDate { get; set; }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(XksStateFile.SavedState))]
internal sealed partial class XksStateJsonContext : JsonSerializerContext;
