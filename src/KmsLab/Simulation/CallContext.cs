using KmsLab.Simulation.Identity;
namespace KmsLab.Simulation;

/// <summary>Who is calling, where: the account and Region a request is addressed to, and the caller's identity.</summary>
/// <remarks>
/// <see cref="ViaService"/> names the AWS service (e.g. <c>s3.us-east-1.amazonaws.com</c>) when one calls KMS on the caller's behalf.
/// <see cref="EventId"/> is the ID of the call's CloudTrail event (the carrier draws it with the request ID), which a key's last use names.
/// </remarks>
internal sealed record CallContext(string AccountId, string Region, LabPrincipal Caller, string RequestId, string? ViaService = null, Guid EventId = default)
{
    /// <summary>The caller's IP address (<c>aws:SourceIp</c>); null for calls through a VPC endpoint or by an AWS service.</summary>
    public string? SourceIp { get; init; }

    /// <summary>The ID of the VPC endpoint the call came through (<c>aws:SourceVpce</c>), if any.</summary>
    public string? SourceVpce { get; init; }

    /// <summary>The resource an AWS service principal calls for (<c>aws:SourceArn</c>, a grant's <c>SourceArn</c> constraint); null for IAM callers.</summary>
    public string? SourceArn { get; init; }

    /// <summary>The account of that resource (<c>aws:SourceAccount</c>); null for IAM callers.</summary>
    public string? SourceAccount { get; init; }

    /// <summary>The alias the request named its key by (<c>kms:RequestAlias</c>), set when the key is resolved; null if it used a key ID or ARN.</summary>
    public string? RequestAlias { get; set; }

    /// <summary>The aliases of a key in its own account and Region (<c>kms:ResourceAliases</c>), provided by the pipeline.</summary>
    internal Func<KmsKey, IReadOnlyList<string>>? AliasesOf { get; set; }

    /// <summary>
    /// A key the call created in another Region on its way (ReplicateKey's replica). CloudTrail
    /// records that creation as a CreateKey event of its own, in the replica's Region.
    /// </summary>
    public KmsKey? CreatedElsewhere { get; set; }

    /// <summary>
    /// A call CloudTrail records once in each Region of the keys it changed, each entry naming its
    /// Region's key: UpdatePrimaryRegion "writes two CloudTrail log entries: one in the Region with
    /// the multi-Region primary key that is converted to a replica key, and one in the Region with a
    /// multi-Region replica key that is converted to a primary key" (KMS Developer Guide, ct-update-primary-region).
    /// </summary>
    public bool RecordedInEachKeysRegion { get; set; }

    /// <summary>The simulated time at which the engine carried out the call, once it has (its audit event's time).</summary>
    public DateTimeOffset? Time { get; set; }

    // Nearly every call touches one key: it is kept in a field, and a list is made only for more.
    private string? _firstResource;
    private List<string>? _moreResources;

    /// <summary>The keys this call resolved, in order: the <c>resources</c> of its audit event.</summary>
    public IReadOnlyList<string> Resources => _firstResource is null ? [] : _moreResources is null ? [_firstResource] : [_firstResource, .. _moreResources];

    /// <summary>Where the call marks the keys it touches, when the world is kept in a database (see <see cref="WorldChanges"/>); set by the pipeline.</summary>
    internal WorldChanges? Changes { get; set; }

    public void Touch(KmsKey key)
    {
        Changes?.Key(key);
        var arn = key.Arn;
        if (_firstResource is null) _firstResource = arn;
        else if (arn != _firstResource && _moreResources?.Contains(arn) != true) (_moreResources ??= []).Add(arn);
    }
}
