namespace SessionGrains.AspNetCore;

/// <summary>Which write of one step of a request's session work an operation ID is for (<see cref="IdempotentRequest.OperationId"/>).</summary>
internal enum SessionWriteKind : byte
{
    Create = 1,
    CreateAgain = 2,
    Apply = 3,
    Increment = 4,
    Regenerate = 5,
}
