namespace SessionGrains.DeployTests;

/// <summary>The tests that share one replay of the Dockerfiles' build stages.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedImagesCollection : ICollectionFixture<PublishedImages>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Published images";
}
