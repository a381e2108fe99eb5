using SessionGrains.Tests.Shared;

namespace SessionGrains.Web.Tests;

/// <summary>The test classes that share one <see cref="FrontEndCluster"/> (xunit finds collection definitions in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class FrontEndCollection : ICollectionFixture<FrontEndCluster>
{
    public const string Name = "front end";
}
