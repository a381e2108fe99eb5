namespace SessionGrains.Server;

/// <summary>Names a grain's persistent state and its storage provider, for <see cref="IPersistentStateFactory"/>.</summary>
internal sealed record GrainStateConfiguration(string StateName, string StorageName) : IPersistentStateConfiguration;
