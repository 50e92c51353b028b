using System.Globalization;

namespace KmsLab.Cli.Classroom;

/// <summary>A student of a class on one machine: their login and their home folder.</summary>
internal sealed record Student(string Name, string Home);

/// <summary>
/// Who is in a class: the members of a Unix group (as lab-setup/jupyterhub/class.sh makes them), read
/// from the group and passwd files, or every folder of a directory of homes (homes copied off a
/// machine or a cluster's volumes).
/// </summary>
internal static class ClassRoster
{
    /// <summary>The members of <paramref name="group"/> in <paramref name="etc"/>/group (listed, or with it as their primary group), with their homes from passwd.</summary>
    /// <exception cref="ClassReportException">No such group.</exception>
    public static IReadOnlyList<Student> FromGroup(string group, string etc = "/etc")
    {
        var groups = File.ReadAllLines(Path.Combine(etc, "group")).Select(l => l.Split(':')).Where(f => f.Length >= 4);
        var entry = groups.FirstOrDefault(f => f[0] == group) ?? throw new ClassReportException($"There is no group '{group}' on this machine (lab-setup/jupyterhub/class.sh add creates kmslab-students).");
        var listed = entry[3].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return [.. File.ReadAllLines(Path.Combine(etc, "passwd")).Select(l => l.Split(':')).Where(f => f.Length >= 7)
            .Where(f => listed.Contains(f[0]) || f[3] == entry[2])
            .Select(f => new Student(f[0], f[5]))
            .OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>Every folder of <paramref name="homes"/>, named after it.</summary>
    /// <exception cref="ClassReportException">No such folder.</exception>
    public static IReadOnlyList<Student> FromHomes(string homes)
    {
        if (!Directory.Exists(homes)) throw new ClassReportException($"There is no folder '{homes}'.");
        return [.. Directory.GetDirectories(homes).Select(d => new Student(Path.GetFileName(d), d))
            .Where(s => s.Name != "lost+found")
            .OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>Only the students named in <paramref name="names"/> (all if none), failing on a name not in the class.</summary>
    public static IReadOnlyList<Student> Only(IReadOnlyList<Student> students, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return students;
        var missing = names.Where(n => students.All(s => s.Name != n)).ToList();
        if (missing.Count > 0) throw new ClassReportException(string.Format(CultureInfo.InvariantCulture, "Not in the class: {0}.", string.Join(", ", missing)));
        return [.. students.Where(s => names.Contains(s.Name))];
    }
}

/// <summary>A class report that cannot be made as asked (no such group, folder or student).</summary>
internal sealed class ClassReportException(string message) : Exception(message);
