namespace SessionGrains.LocalFarm;

/// <summary>The kinds of process in the farm.</summary>
internal enum MemberKind
{
    Storage,
    Silo,
    Web,
    Express,
    Nginx,
}
