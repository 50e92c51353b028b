namespace KmsLab.Simulation;

/// <summary>Values of <c>RotationType</c> in ListKeyRotations.</summary>
internal static class RotationTypes
{
    public const string Automatic = "AUTOMATIC";
    public const string OnDemand = "ON_DEMAND";
}
