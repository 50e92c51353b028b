using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KmsLab.Protocol;

/// <summary>AWS JSON 1.1 timestamps: seconds since the Unix epoch, with milliseconds as a fraction.</summary>
internal sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset?>
{
    public static readonly EpochSecondsConverter Instance = new();

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble() * 1000));

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is not { } time)
        {
            writer.WriteNullValue();
            return;
        }
        long ms = time.ToUnixTimeMilliseconds();
        writer.WriteRawValue((ms / 1000).ToString(CultureInfo.InvariantCulture) + "." + (ms % 1000).ToString("000", CultureInfo.InvariantCulture), skipInputValidation: true);
    }
}
