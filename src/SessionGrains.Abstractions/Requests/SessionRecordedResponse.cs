namespace SessionGrains;

/// <summary>
/// The response to a request that carried an <c>Idempotency-Key</c>, kept by its session so that a retry of the request
/// is answered with it (<see cref="ISessionGrain.RecordResponseAsync"/>).
/// </summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Headers">The response's header fields, in order, as name and value (a name repeats for each value).</param>
/// <param name="Body">The body's bytes.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionRecordedResponse")]
public sealed record SessionRecordedResponse(
    [property: Id(0)] int StatusCode,
    [property: Id(1)] KeyValuePair<string, string>[] Headers,
    [property: Id(2)] byte[] Body);
