namespace SessionGrains.Server;

/// <summary>The sweeper of one expiry index shard (the grain's integer key); see <see cref="ExpirySweeperGrain"/>.</summary>
internal interface IExpirySweeperGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the sweeper's reminder is registered and its timer runs; silos call this as they start.</summary>
    Task StartAsync();
}
