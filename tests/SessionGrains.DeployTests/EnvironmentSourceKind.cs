namespace SessionGrains.DeployTests;

/// <summary>Where a container's environment variable gets its value.</summary>
public enum EnvironmentSourceKind
{
    /// <summary>env[].value.</summary>
    Literal,

    /// <summary>envFrom[].configMapRef or valueFrom.configMapKeyRef.</summary>
    ConfigMap,

    /// <summary>valueFrom.secretKeyRef.</summary>
    Secret,

    /// <summary>valueFrom.fieldRef (the downward API).</summary>
    Field,

    /// <summary>Anything else (resourceFieldRef, envFrom secretRef, ...): not modelled here.</summary>
    Other,
}
