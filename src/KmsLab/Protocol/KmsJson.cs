using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KmsLab.Protocol;

/// <summary>
/// The JSON contract of every operation shape on the wire (AWS JSON 1.1): the source-generated
/// <see cref="KmsJsonContext"/>, with timestamps written as epoch seconds. The shapes themselves are
/// the engine's plain classes and carry no JSON attributes.
/// </summary>
/// <remarks>
/// Only shapes that hold a timestamp go through the resolver that adds <see cref="EpochSecondsConverter"/>:
/// a converter in the context's own options would switch off the generated fast path for every
/// shape, the data-plane ones (Encrypt, Decrypt, GenerateDataKey) included, which have no timestamp.
/// </remarks>
internal static class KmsJson
{
    private static readonly JsonSerializerOptions Timestamped = new(KmsJsonContext.Default.Options)
    {
        TypeInfoResolver = KmsJsonContext.Default.WithAddedModifier(WriteTimestampsAsEpochSeconds),
    };

    private static readonly ConcurrentDictionary<Type, bool> HoldsTimestamp = new();

    /// <summary>The wire contract of <typeparamref name="T"/>, a shape registered in <see cref="KmsJsonContext"/>.</summary>
    /// <exception cref="InvalidOperationException">The shape is not registered (a programming error, caught by the catalogue test).</exception>
    public static JsonTypeInfo<T> For<T>()
    {
        var info = HasTimestamp(typeof(T)) ? Timestamped.GetTypeInfo(typeof(T)) : KmsJsonContext.Default.GetTypeInfo(typeof(T));
        return info as JsonTypeInfo<T> ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered in {nameof(KmsJsonContext)}.");
    }

    private static void WriteTimestampsAsEpochSeconds(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in info.Properties)
        {
            if (property.PropertyType == typeof(DateTimeOffset?)) property.CustomConverter = EpochSecondsConverter.Instance;
            else if (property.PropertyType == typeof(DateTimeOffset)) throw new InvalidOperationException($"{info.Type.Name}.{property.Name}: wire timestamps are optional members (DateTimeOffset?).");
        }
    }

    /// <summary>Whether a shape, or one it contains, has a timestamp member.</summary>
    private static bool HasTimestamp(Type type) => HoldsTimestamp.GetOrAdd(type, static t => Scan(t, []));

    private static bool Scan(Type type, HashSet<Type> seen)
    {
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?)) return true;
        if (type.IsPrimitive || type == typeof(string) || type == typeof(byte[]) || !seen.Add(type)) return false;
        if (type.IsGenericType) return type.GetGenericArguments().Any(a => Scan(a, seen));
        return type.IsClass && type.GetProperties().Any(p => Scan(p.PropertyType, seen));
    }
}
