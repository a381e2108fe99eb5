namespace SessionGrains;

/// <summary>The result of <see cref="ISessionGrain.ClaimRequestAsync"/>.</summary>
/// <param name="Status">What the caller does next.</param>
/// <param name="Response">The recorded response when <paramref name="Status"/> is <see cref="SessionRequestClaimStatus.Completed"/>.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionRequestClaim")]
public sealed record SessionRequestClaim(
    [property: Id(0)] SessionRequestClaimStatus Status,
    [property: Id(1)] SessionRecordedResponse? Response = null);
