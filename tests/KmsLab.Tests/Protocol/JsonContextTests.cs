using System.Reflection;
using System.Text.Json.Serialization;
using KmsLab.Protocol;

namespace KmsLab.Tests.Protocol;

public class JsonContextTests
{
    [Fact]
    public void The_context_has_no_option_level_converters_so_responses_take_the_generated_fast_path()
    {
        // System.Text.Json serializes through the generated code only when the options carry no
        // converters; a converter there would silently send every response the slow way.
        Assert.Empty(KmsJsonContext.Default.Options.Converters);
    }

    /// <summary>Every operation shape: the properties of the one type the context registers for them.</summary>
    private static List<Type> Shapes => [.. typeof(KmsLab.Simulation.Model.OperationShapes).GetProperties().Select(p => p.PropertyType)];

    [Fact]
    public void The_data_plane_shapes_take_the_generated_fast_path()
    {
        // A shape reached through OperationShapes gets generated serialization code as if it were
        // registered itself; the data-plane shapes, which hold no timestamp, must keep it.
        Assert.True(Shapes.Count > 50);
        foreach (var shape in new[] { typeof(KmsLab.Simulation.Model.EncryptRequest), typeof(KmsLab.Simulation.Model.EncryptResponse), typeof(KmsLab.Simulation.Model.DecryptRequest),
            typeof(KmsLab.Simulation.Model.DecryptResponse), typeof(KmsLab.Simulation.Model.GenerateDataKeyRequest), typeof(KmsLab.Simulation.Model.GenerateDataKeyResponse) })
        {
            var info = typeof(KmsJson).GetMethod(nameof(KmsJson.For))!.MakeGenericMethod(shape).Invoke(null, null)!;
            Assert.NotNull(info.GetType().GetProperty("SerializeHandler")!.GetValue(info));
        }
    }

    [Fact]
    public void Every_timestamp_member_of_every_operation_shape_is_written_as_epoch_seconds()
    {
        var shapes = Shapes;
        var seen = new HashSet<Type>();
        var timestamps = new List<string>();
        var missing = new List<string>();
        void Visit(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsArray) type = type.GetElementType()!;
            if (type.IsGenericType) { foreach (var arg in type.GetGenericArguments()) Visit(arg); return; }
            if (type.Namespace != "KmsLab.Simulation.Model" || !seen.Add(type)) return;
            foreach (var property in type.GetProperties())
            {
                if ((Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) == typeof(DateTimeOffset))
                {
                    timestamps.Add($"{type.Name}.{property.Name}");
                    if (!WritesEpochSeconds(type, property)) missing.Add($"{type.Name}.{property.Name}");
                }
                else Visit(property.PropertyType);
            }
        }
        foreach (var shape in shapes) Visit(shape);
        Assert.True(timestamps.Count > 10, string.Join(", ", timestamps));
        Assert.Contains("KeyMetadata.CreationDate", timestamps);
        Assert.Empty(missing);
    }

    /// <summary>Serializes a shape whose timestamp member is set, as the wire does, and reads the member back as written.</summary>
    private static bool WritesEpochSeconds(Type shape, PropertyInfo timestamp)
    {
        var value = Activator.CreateInstance(shape)!;
        timestamp.SetValue(value, new DateTimeOffset(2026, 1, 15, 9, 0, 0, 250, TimeSpan.Zero));
        var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo)typeof(KmsJson).GetMethod(nameof(KmsJson.For))!.MakeGenericMethod(shape).Invoke(null, null)!;
        using var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(value, info));
        return json.RootElement.GetProperty(timestamp.Name).GetRawText() == "1768467600.250";
    }
}
