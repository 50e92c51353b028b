using System.Text;

namespace KmsLab.Tests;

internal static class Bytes
{
    public static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));

    public static MemoryStream Stream(byte[] bytes) => new(bytes);

    public static string Text(MemoryStream stream) => Encoding.UTF8.GetString(stream.ToArray());
}
