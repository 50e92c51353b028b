using Amazon;
using Amazon.KeyManagementService;
using KmsLab.Simulation;

namespace KmsLab.Targets;

/// <summary>
/// Where a <see cref="Lab"/>'s KMS calls go: the members every target has. What exists only on the
/// simulator (its audit trail, IAM, moving the clock) is on <see cref="SimulatorTarget"/> alone;
/// <see cref="Lab"/> refuses it elsewhere with <see cref="SimulatorOnlyException"/>.
/// </summary>
internal interface ILabTarget
{
    /// <summary>Which target this is.</summary>
    LabTarget Kind { get; }

    /// <summary>The lab's clock (on real AWS: real time, refusing to move).</summary>
    SimulatedClock Clock { get; }

    /// <summary>The Region clients use unless told otherwise.</summary>
    RegionEndpoint DefaultRegion { get; }

    /// <summary>The learner's account.</summary>
    string AccountId { get; }

    /// <summary>The partner account of cross-account lessons; null where there is none (real AWS without a partnerAdmin profile).</summary>
    string? PartnerAccountId { get; }

    /// <summary>The ARN of the administrator the default clients act as.</summary>
    string AdminArn { get; }

    /// <summary>The tags every key created through this target's clients carries.</summary>
    IReadOnlyDictionary<string, string> KeyTags { get; }

    /// <summary>How many KMS calls have been made through this target.</summary>
    int KmsCallCount { get; }

    /// <summary>A client acting as the lab's administrator.</summary>
    IAmazonKeyManagementService CreateAdminClient(RegionEndpoint? region);

    /// <summary>A client acting as a lab principal (a name in the learner's account, or an ARN).</summary>
    IAmazonKeyManagementService CreateClient(string principal, RegionEndpoint? region);

    /// <summary>The IAM ARN of a lab principal.</summary>
    string PrincipalArn(string principal);

    /// <summary>The alias name for <paramref name="bare"/> (without <c>alias/</c>) that other learners cannot already hold.</summary>
    string AliasName(string bare);

    /// <summary>Moves the clock forward and returns true, or returns false where time cannot be moved.</summary>
    bool TryAdvanceClock(TimeSpan by);

    /// <summary>A one-line description of the target, naming the lesson if any.</summary>
    string Describe(string? lesson);
}
