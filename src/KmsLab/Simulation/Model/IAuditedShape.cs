namespace KmsLab.Simulation.Model;

/// <summary>
/// A request shape with members CloudTrail never records: secrets (plaintext, key material),
/// which must be zeroed, and bulky ones (ciphertext). Once the operation is done the protocol
/// adapter strips them, so what the audit trail keeps holds no secret.
/// </summary>
internal interface IAuditedShape
{
    void StripForAudit();
}
