namespace KmsLab.Simulation.Model;

/// <summary>
/// A request shape that carries secrets (plaintext, key material). Once the operation is done
/// the protocol adapter erases them, so nothing kept afterwards — the audit trail in particular —
/// holds a secret.
/// </summary>
internal interface ISensitiveShape
{
    void Erase();
}
