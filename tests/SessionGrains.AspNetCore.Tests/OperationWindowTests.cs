using System.Reflection;
using SessionGrains.Server;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// Exactly-once needs every attempt of a write to reach its grain while the grain still remembers the write's operation
/// ID: the write methods' call messages expire, the front end's retries end, and the silo remembers long enough.
/// </summary>
public sealed class OperationWindowTests
{
    private const string Secret = "operation-window-tests-secret-0123456789";

    [Fact]
    public void Every_write_that_takes_an_operation_ID_sends_a_message_that_expires_within_the_window()
    {
        var writes = typeof(ISessionGrain).GetMethods()
            .Where(m => m.GetCustomAttribute<Orleans.Concurrency.ReadOnlyAttribute>() is null
                && m.GetParameters().Any(p => p.ParameterType == typeof(Guid) && p.Name == "operationId"))
            .ToArray();

        Assert.Equal(["CreateAsync", "ApplyAsync", "IncrementAsync", "RegenerateAsync"], writes.Select(m => m.Name));
        foreach (var write in writes)
        {
            Assert.Equal(SessionOperationWindow.MessageLifetime, write.GetCustomAttribute<Orleans.ResponseTimeoutAttribute>()?.Timeout);
        }

        Assert.True(new SessionSiloOptions().OperationRetention >= SessionOperationWindow.MinRetention);
        Assert.True(new SessionCallOptions().RetryDeadline <= SessionOperationWindow.MaxRetryDeadline);
    }

    [Fact]
    public void A_silo_that_would_forget_operation_IDs_before_their_last_retry_arrives_does_not_start()
    {
        var validator = new SessionSiloOptionsValidator();
        var tooShort = validator.Validate(null, new SessionSiloOptions { OperationRetention = SessionOperationWindow.MinRetention - TimeSpan.FromSeconds(1) });
        Assert.True(tooShort.Failed);
        Assert.Contains("OperationRetention must be at least 25 seconds", tooShort.FailureMessage);
        Assert.True(validator.Validate(null, new SessionSiloOptions { OperationRetention = SessionOperationWindow.MinRetention }).Succeeded);
    }

    [Fact]
    public void A_front_end_whose_retries_could_outlast_the_window_does_not_start()
    {
        var validator = new SessionFrontEndOptionsValidator();
        var options = new SessionFrontEndOptions { Secrets = [Secret] };
        options.Calls.RetryDeadline = SessionOperationWindow.MaxRetryDeadline + TimeSpan.FromSeconds(1);
        var tooLong = validator.Validate(null, options);
        Assert.True(tooLong.Failed);
        Assert.Contains("RetryDeadline must be at most 15 seconds", tooLong.FailureMessage);

        options.Calls.RetryDeadline = SessionOperationWindow.MaxRetryDeadline;
        Assert.True(validator.Validate(null, options).Succeeded, validator.Validate(null, options).FailureMessage);
    }
}
