using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

// The app's UserSessionOptions as binding needs them (the device, the limit, the exception a refusal throws); shared by
// GrainSession.BindUserAsync and GrainTicketStore.
internal sealed class UserBindingRules(IOptions<SessionFrontEndOptions> options)
{
    private UserSessionOptions Users => options.Value.Users;

    public UserSessionLimit Limit => new(Users.MaxSessionsPerUser, Users.WhenLimitReached);

    /// <summary>The request's device, as the app sees it after ForwardedHeaders; null when devices are not recorded.</summary>
    public SessionDevice? DeviceOf(HttpContext? context) => Users.RecordDevice && context is not null
        ? new SessionDevice(context.Request.Headers.UserAgent.ToString(), context.Connection.RemoteIpAddress?.ToString())
        : null;

    /// <summary>The binding made, or the exception that a refused or impossible binding throws.</summary>
    public SessionUserBinding BindingOf(UserSessionBindResult result) => result.Status switch
    {
        UserSessionBindStatus.Bound => result.Binding!,
        UserSessionBindStatus.LimitReached => throw new UserSessionLimitReachedException(
            $"The user has {Users.MaxSessionsPerUser} sessions, the most allowed."),
        _ => throw new InvalidOperationException("The session ended before it was bound."),
    };
}
