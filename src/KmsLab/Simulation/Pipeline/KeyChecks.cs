using KmsLab.Simulation.Services;
using KmsLab.Simulation.Operations;

namespace KmsLab.Simulation.Pipeline;

/// <summary>The key-state and key-usage steps: whether an operation may use this key now, by the catalogue's facts.</summary>
internal static class KeyChecks
{
    /// <summary>
    /// Refuses a key whose state the operation does not accept: <c>DisabledException</c> for a
    /// disabled key, <c>KMSInvalidStateException</c> for the others, as KMS words them.
    /// </summary>
    public static void State(KmsKey key, KeyStates accepted)
    {
        var state = Of(key.ReportedState);
        if ((accepted & state) != 0) return;
        // CancelKeyDeletion is the one operation that accepts only PendingDeletion: whatever the
        // key's state, KMS says what it is not rather than what it is.
        if (accepted == KeyStates.ScheduledForDeletion) throw KmsException.InvalidState($"{key.Arn} is not pending deletion.");
        if (state == KeyStates.Disabled) throw new KmsException(KmsErrorCodes.Disabled, $"{key.Arn} is disabled.");
        throw key.InvalidState();
    }

    /// <summary>A cryptographic operation (one that names key usages) on a key in a CloudHSM key store needs an active HSM in its cluster.</summary>
    public static void Backing(KmsKey key, KmsOperation op)
    {
        if (op.KeyUsages is not null && key.KeyStore?.CloudHsm is not null) CloudHsmKeyStores.CheckServing(key);
    }

    /// <summary>Refuses a key whose usage is not among <paramref name="accepted"/> (null: any usage).</summary>
    /// <param name="key">The key.</param>
    /// <param name="accepted">The key usages the operation accepts.</param>
    /// <param name="operation">The operation the error names.</param>
    public static void Usage(KmsKey key, IReadOnlyList<string>? accepted, string operation)
    {
        if (accepted is null) return;
        for (int i = 0; i < accepted.Count; i++)
        {
            if (string.Equals(accepted[i], key.KeyUsage, StringComparison.Ordinal)) return;
        }
        throw InvalidKeyUsage(key, operation);
    }

    public static KmsException InvalidKeyUsage(KmsKey key, string operation) => new(KmsErrorCodes.InvalidKeyUsage,
        $"{key.Arn} key usage is {key.KeyUsage} (KeySpec {key.Spec.Name}), which is not valid for {operation}.");

    public static KmsException IncompatibleAlgorithm(string algorithm, KmsKey key) =>
        new(KmsErrorCodes.InvalidKeyUsage, $"Algorithm {algorithm} is incompatible with key spec {key.Spec.Name}.");

    private static KeyStates Of(string state) => state switch
    {
        KeyState.Enabled => KeyStates.Enabled,
        KeyState.Disabled => KeyStates.Disabled,
        KeyState.PendingDeletion => KeyStates.PendingDeletion,
        KeyState.PendingImport => KeyStates.PendingImport,
        KeyState.Creating => KeyStates.Creating,
        KeyState.Updating => KeyStates.Updating,
        KeyState.PendingReplicaDeletion => KeyStates.PendingReplicaDeletion,
        KeyState.Unavailable => KeyStates.Unavailable,
        _ => KeyStates.None,
    };
}
