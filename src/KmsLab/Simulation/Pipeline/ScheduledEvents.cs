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
        var next = DateTimeOffset.MaxValue;
        foreach (var region in world.AllRegions)
        {
            foreach (var key in region.Keys.ToList())
            {
                if (key.State == KeyState.PendingDeletion && key.DeletionDate <= now)
                {
                    region.Remove(key);
                    world.NoteSpontaneousChange();
                    continue;
                }
                if (key.NextMaterialExpiry <= now && ImportService.ExpireImportedMaterial(key, now))
                {
                    world.NoteSpontaneousChange();
                }
                if (key.RotationEnabled && key.State == KeyState.Enabled)
                {
                    while (key.NextRotationDate is { } due && due <= now)
                    {
                        key.AddMaterial(KeyMaterial.Generate(world.Random, due, RotationTypes.Automatic));
                        key.RotationBase = due;
                        world.NoteSpontaneousChange();
                    }
                }
                next = Min(next, key.State == KeyState.PendingDeletion ? key.DeletionDate : null);
                next = Min(next, key.State == KeyState.Enabled ? key.NextRotationDate : null);
                next = Min(next, key.NextMaterialExpiry);
            }
        }
        world.RecomputeNextEvent(next);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset? b) => b is { } v && v < a ? v : a;
}
