namespace KmsLab.Simulation.KeyStores;

/// <summary>What a proxy's GetHealthStatus reported: its fleet and each external key manager's health.</summary>
internal sealed record XksHealthStatus(int XksProxyFleetSize, string XksProxyVendor, string XksProxyModel, string EkmVendor, IReadOnlyList<XksEkmHealth> EkmFleetDetails)
{
    /// <summary>True when at least one external key manager can serve traffic (ACTIVE or DEGRADED).</summary>
    public bool CanServe => EkmFleetDetails.Any(e => e.HealthStatus is "ACTIVE" or "DEGRADED");
}

/// <summary>One external key manager of a proxy's fleet.</summary>
internal sealed record XksEkmHealth(string Id, string Model, string HealthStatus);
