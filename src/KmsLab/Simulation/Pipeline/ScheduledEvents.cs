using KmsLab.Simulation.Services;

namespace KmsLab.Simulation.Pipeline;

/// <summary>
/// The catch-up step: applies the events the clock has passed since the last call — automatic
/// rotations, scheduled deletions and expiry of imported key material. Runs under the world lock.
/// </summary>
internal sealed class ScheduledEvents(KmsWorld world)
{
    public void CatchUp(DateTimeOffset now)
    {
        if (now < world.NextEventAt) return;
        // Deleting the last replica of a multi-Region key starts its primary's waiting period,
        // which may itself be over already (the clock jumped): then the world goes round again.
        DateTimeOffset next;
        do
        {
            next = CatchUpOnce(now);
        }
        while (next <= now);
        world.RecomputeNextEvent(next);
    }

    private DateTimeOffset CatchUpOnce(DateTimeOffset now)
    {
        var next = DateTimeOffset.MaxValue;
        foreach (var region in world.AllRegions.ToList())
        {
            foreach (var store in region.KeyStores)
            {
                if (store.ConnectsAt is not { } at) continue;
                if (at <= now)
                {
                    store.EndConnection(CloudHsmKeyStores.Connect(store, world.Random));
                    world.NoteSpontaneousChange();
                }
                else next = Min(next, at);
            }
            foreach (var key in region.Keys.ToList())
            {
                if (key.State == KeyState.PendingDeletion && key.DeletionDate <= now)
                {
                    region.Remove(key);
                    CloudHsmKeyStores.KeyDeleted(key);
                    world.NoteSpontaneousChange();
                    if (key.MultiRegion?.Removed(world, key, key.DeletionDate!.Value) is { } primary)
                    {
                        next = Min(next, primary.DeletionDate);
                        world.Changes?.Key(primary);
                    }
                    continue;
                }
                if (key.SettlesAt is { } settles && settles <= now)
                {
                    MultiRegionSet.Settle(key);
                    world.Changes?.Key(key);
                    world.NoteSpontaneousChange();
                }
                if (key.NextMaterialExpiry <= now && ImportService.ExpireImportedMaterial(key, now))
                {
                    world.Changes?.Key(key);
                    world.NoteSpontaneousChange();
                }
                // A multi-Region replica rotates with its primary, which shares each new material.
                if (key.RotationEnabled && key.State == KeyState.Enabled && !key.IsReplica)
                {
                    while (key.NextRotationDate is { } due && due <= now)
                    {
                        key.AddMaterial(KeyMaterial.Generate(world.Random, due, RotationTypes.Automatic));
                        key.RotationBase = due;
                        key.MultiRegion?.ShareFrom(world, key);
                        world.Changes?.Key(key); // and its replicas, through the multi-Region set
                        world.NoteSpontaneousChange();
                    }
                }
                next = Min(next, key.State == KeyState.PendingDeletion ? key.DeletionDate : null);
                next = Min(next, key.State == KeyState.Enabled && !key.IsReplica ? key.NextRotationDate : null);
                next = Min(next, key.NextMaterialExpiry);
                next = Min(next, key.SettlesAt);
            }
        }
        return next;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset? b) => b is { } v && v < a ? v : a;
}
