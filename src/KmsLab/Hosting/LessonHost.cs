namespace KmsLab.Hosting;

/// <summary>
/// What a program that runs lessons (<c>kmslab run</c>, a notebook kernel's host, a test) tells
/// the labs its lessons create: where their KMS calls go, and where a lab's notes to the learner go
/// (what to do on real AWS where the simulator would move its clock, read its audit trail...).
/// The library itself never writes to the console.
/// <code>
/// using (LessonHost.Use(new LessonHost { Target = LabTarget.Aws, Notes = Console.Out }))
/// {
///     var lab = Lab.ForLesson("05-rotation");   // on real AWS, whatever KMSLAB_TARGET says
/// }
/// </code>
/// A host is in force for the code that runs inside <see cref="Use"/>'s scope and for everything
/// it starts (tasks, threads, notebook kernels created there): it flows as an
/// <see cref="AsyncLocal{T}"/> does, so two hosts in one process do not see each other.
/// </summary>
public sealed record LessonHost
{
    private static readonly AsyncLocal<LessonHost?> Scoped = new();

    /// <summary>The target <see cref="Lab.ForLesson"/> chooses; null lets <c>KMSLAB_TARGET</c> decide.</summary>
    public LabTarget? Target { get; init; }

    /// <summary>Where labs created under this host write their notes to the learner; null drops them.</summary>
    public TextWriter? Notes { get; init; }

    /// <summary>The host in force here, or null outside every <see cref="Use"/> scope.</summary>
    public static LessonHost? Current => Scoped.Value;

    /// <summary>
    /// Where labs write their notes when no host is in force, as in a lesson opened in VS Code or
    /// Jupyter (no <c>kmslab run</c> around it): KmsLab.Lessons' <c>Notebook.Start</c> sets it to the
    /// running cell's output. Null (the default) drops them; a host in force always wins, even one
    /// whose <see cref="Notes"/> is null.
    /// </summary>
    public static TextWriter? DefaultNotes { get; set; }

    /// <summary>Where a note written here goes: the host's notes, else <see cref="DefaultNotes"/>.</summary>
    internal static TextWriter? NotesInForce => Scoped.Value is { } host ? host.Notes : DefaultNotes;

    /// <summary>Puts <paramref name="host"/> in force until the returned scope is disposed (then the previous host is back).</summary>
    public static IDisposable Use(LessonHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var scope = new Scope(Scoped.Value);
        Scoped.Value = host;
        return scope;
    }

    /// <summary>
    /// Reads a target's name as <c>KMSLAB_TARGET</c> and <c>kmslab run --target</c> spell it:
    /// <c>simulator</c> (also <c>sim</c>, or empty) or <c>aws</c>, in any case.
    /// </summary>
    /// <exception cref="ArgumentException">The name is no target.</exception>
    public static LabTarget ParseTarget(string? name) => AwsLabOptions.TargetFrom(name);

    private sealed class Scope(LessonHost? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Scoped.Value = previous;
        }
    }
}
