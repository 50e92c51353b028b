namespace KmsLab.Simulation;

/// <summary>
/// The last successful call that used a key, as GetKeyLastUsage reports it: the operation, when it
/// ran on the simulated clock, and the IDs of its request and of its CloudTrail event.
/// </summary>
/// <remarks>A value, not an object: it is written on every cryptographic call and must cost no allocation.</remarks>
internal readonly record struct KeyLastUse(string Operation, DateTimeOffset Time, string RequestId, Guid EventId);
