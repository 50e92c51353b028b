namespace KmsLab.Simulation.Identity;

/// <summary>
/// An AWS service calling KMS with its own identity, a service principal such as
/// <c>rds.amazonaws.com</c>, on behalf of one of its resources (<see cref="SourceArn"/>, as
/// <c>aws:SourceArn</c>) in a customer's account (<see cref="SourceAccount"/>, as <c>aws:SourceAccount</c>).
/// </summary>
/// <remarks>
/// Unlike a service calling for an IAM principal (<c>kms:ViaService</c>, the S3 simulation), such a
/// call has no IAM identity and no identity policies: a key policy statement naming the service
/// (<c>"Principal": {"Service": "rds.amazonaws.com"}</c>) or a grant to it
/// (<c>GranteeServicePrincipal</c>, whose <c>SourceArn</c> constraint must match) has to allow it.
/// CloudTrail records it with <c>userIdentity.type</c> <c>AWSService</c> and <c>invokedBy</c> the
/// service (see <see cref="Audit.AuditIdentity.Type"/>). Only the in-process carrier makes such
/// calls: no signed request from outside can claim to be a service.
/// </remarks>
internal sealed record ServiceCaller(LabPrincipal Principal, string SourceArn, string SourceAccount)
{
    /// <summary>The placeholder key the SDK client of a service principal signs with (never checked: the carrier vouches for the caller).</summary>
    public const string SigningAccessKeyId = "ASIAAWSSERVICEPRINCI";

    /// <exception cref="ArgumentException">Not a service principal (<c>name.amazonaws.com</c>), or <paramref name="sourceArn"/> is not an ARN.</exception>
    public static ServiceCaller Create(string servicePrincipal, string accountId, string sourceArn)
    {
        ArgumentException.ThrowIfNullOrEmpty(servicePrincipal);
        ArgumentException.ThrowIfNullOrEmpty(sourceArn);
        if (!servicePrincipal.EndsWith(".amazonaws.com", StringComparison.Ordinal) || servicePrincipal.Length <= ".amazonaws.com".Length
            || !servicePrincipal.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
        {
            throw new ArgumentException($"'{servicePrincipal}' is not an AWS service principal: use a name such as rds.amazonaws.com.", nameof(servicePrincipal));
        }
        if (!sourceArn.StartsWith("arn:", StringComparison.Ordinal) || sourceArn.Split(':').Length < 6)
        {
            throw new ArgumentException($"'{sourceArn}' is not an ARN: name the resource the service acts for, e.g. arn:aws:rds:us-east-1:111122223333:db:payroll.", nameof(sourceArn));
        }
        var principal = new LabPrincipal(accountId, servicePrincipal, PrincipalKind.Service, SigningAccessKeyId, "kmslab-service-principal-signature-not-checked");
        return new ServiceCaller(principal, sourceArn, accountId);
    }
}
