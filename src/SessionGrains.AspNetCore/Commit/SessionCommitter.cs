using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

// Gathers a request's facts and carries out what SessionCommitRules decide, at the end of the request and on an explicit save.
internal sealed class SessionCommitter(
    IOptions<SessionFrontEndOptions> options, SessionCookieWriter cookieWriter, SessionFrontEndActivities activities)
{
    private readonly SessionFrontEndOptions _options = options.Value;

    // Runs once a request, from OnStarting or after the app, whichever comes first.
    public async Task CommitAtEndAsync(GrainSession session)
    {
        var work = session.Work;
        if (work.Committed)
        {
            return;
        }

        work.Committed = true;
        if (!work.IsLoaded)
        {
            if (!SessionCommitRules.ShouldLoad(Facts(session), _options))
            {
                return; // the session was never used: no grain call
            }

            await work.LoadAsync(); // loading touches the stored session
        }

        var plan = SessionCommitRules.Decide(Facts(session), _options);
        using var activity = plan.Destroy || plan.Save || plan.Touch ? activities.StartCommit() : null;
        activity?.SetTag("sessiongrains.commit.action", plan.Destroy ? "destroy" : plan.Save ? "save" : "touch");
        await work.CarryOutAsync(plan);
        if (work.IsStored && plan.SetCookie)
        {
            cookieWriter.Write(work.Context, session.Cookie, work.Id!);
        }
        else if (!work.IsStored && work.EndedPresentedSession && plan.ClearCookieIfEnded)
        {
            cookieWriter.Clear(work.Context, session.Cookie); // ended, and no new session saved in its place
        }
    }

    public async Task SaveNowAsync(GrainSession session)
    {
        await session.Work.CarryOutAsync(SessionCommitRules.DecideExplicitSave(Facts(session)));
        session.Work.SavedExplicitly = true;
    }

    private static SessionCommitRules.Facts Facts(GrainSession session)
    {
        var work = session.Work;
        var presented = work.Presented;
        return new(
            Replaced: !ReferenceEquals(work.Context.Features.Get<ISessionFeature>()?.Session, session),
            Presented: presented.Count > 0,
            SignedWithOlderSecret: work.IsLoaded ? work.SignedWithOlderSecret : presented.Count > 0 && presented[0].SecretIndex > 0,
            TouchRequested: work.TouchRequested,
            Stored: work.IsStored,
            Modified: work.Tracker.IsModified,
            UnsavedChanges: work.Tracker.HasUnsavedChanges,
            SavedExplicitly: work.SavedExplicitly,
            IdChanged: work.IdChanged,
            CookieExpires: session.Cookie.Expires is not null,
            CookieChanged: session.Cookie.IsChanged);
    }
}
