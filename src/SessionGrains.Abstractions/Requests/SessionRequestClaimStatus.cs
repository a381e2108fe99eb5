namespace SessionGrains;

/// <summary>The outcome of <see cref="ISessionGrain.ClaimRequestAsync"/>.</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionRequestClaimStatus")]
public enum SessionRequestClaimStatus
{
    /// <summary>The attempt holds the key: run the request (a claim by the same attempt is renewed).</summary>
    Claimed = 0,

    /// <summary>A request with this key and fingerprint completed: answer its recorded response.</summary>
    Completed = 1,

    /// <summary>Another attempt with this key and fingerprint holds a live claim (HTTP 409).</summary>
    InFlight = 2,

    /// <summary>The key was used, recorded or in flight, by a request with another fingerprint (HTTP 422).</summary>
    KeyReused = 3,

    /// <summary>There is no live session under this ID: nothing can be recorded for it.</summary>
    NoSession = 4,
}
