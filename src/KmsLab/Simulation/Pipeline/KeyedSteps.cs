namespace KmsLab.Simulation.Pipeline;

/// <summary>A check an operation makes on its key, given what it carried from its request (<typeparamref name="TState"/>).</summary>
internal delegate void KeyCheck<TState>(TState state, RegionalKms kms, KmsKey key);

/// <summary>What an operation does with its key once every check has passed.</summary>
internal delegate TResponse KeyAction<TState, TResponse>(TState state, RegionalKms kms, KmsKey key);

/// <summary>
/// The parts of a keyed operation that are its own, slotted into <see cref="RequestPipeline.Run{TState, TResponse}"/>.
/// Declared once per operation with static lambdas, and the request travels as <typeparamref name="TState"/>
/// (a value tuple): a call allocates no closure and no delegate.
/// </summary>
internal sealed class KeyedSteps<TState, TResponse>(KeyAction<TState, TResponse> run)
{
    /// <summary>Checks whose errors come before a key-state error (e.g. rotation on a key that cannot rotate).</summary>
    public KeyCheck<TState>? BeforeState { get; init; }

    /// <summary>Checks after key state and usage, before DryRun: algorithms, sizes, limits.</summary>
    public KeyCheck<TState>? Check { get; init; }

    /// <summary>The operation's action: runs only when every check passed and the request is no dry run.</summary>
    public KeyAction<TState, TResponse> Run { get; } = run;
}
