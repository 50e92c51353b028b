namespace KmsLab.Simulation;

/// <summary>Who is calling, where: the account and Region a request is addressed to, and the caller's identity.</summary>
/// <remarks><see cref="ViaService"/> names the AWS service (e.g. <c>s3.us-east-1.amazonaws.com</c>) when one calls KMS on the caller's behalf.</remarks>
internal sealed record CallContext(string AccountId, string Region, LabPrincipal Caller, string RequestId, string? ViaService = null)
{
    /// <summary>The simulated time at which the engine carried out the call, once it has (its audit event's time).</summary>
    public DateTimeOffset? Time { get; set; }

    /// <summary>The keys this call resolved, in order: the <c>resources</c> of its audit event.</summary>
    public List<string> Resources { get; } = [];

    public void Touch(KmsKey key)
    {
        if (!Resources.Contains(key.Arn)) Resources.Add(key.Arn);
    }
}
