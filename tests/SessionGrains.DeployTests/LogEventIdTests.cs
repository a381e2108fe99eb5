using System.Reflection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace SessionGrains.DeployTests;

/// <summary>Operators filter and alert on event IDs: each log class owns one range of 100, and no ID means two things.</summary>
public sealed class LogEventIdTests
{
    private static readonly string[] Assemblies =
    [
        "SessionGrains.Abstractions", "SessionGrains.AspNetCore", "SessionGrains.Server", "SessionGrains.Hosting",
        "SessionGrains.Silo", "SessionGrains.Web", "SessionGrains.Testing",
    ];

    [Fact]
    public void Every_log_class_owns_one_range_of_event_ids_and_no_id_is_used_twice()
    {
        var messages = Assemblies
            .Select(Assembly.Load)
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (Class: x.Method.DeclaringType!.FullName!, Name: x.Method.Name, Id: x.Attribute!.EventId))
            .ToList();

        Assert.True(messages.Count >= 20, $"only {messages.Count} [LoggerMessage] methods found");
        var reused = messages.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Class}.{m.Name}"))}").ToList();
        Assert.True(reused.Count == 0, "event IDs used twice: " + string.Join("; ", reused));

        var ranges = messages.GroupBy(m => m.Class).ToDictionary(g => g.Key, g => g.Select(m => m.Id / 100).Distinct().ToList());
        var spread = ranges.Where(r => r.Value.Count > 1).Select(r => r.Key).ToList();
        Assert.True(spread.Count == 0, "log classes spanning several ranges of 100: " + string.Join(", ", spread));
        var shared = ranges.GroupBy(r => r.Value[0]).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key * 100}-{g.Key * 100 + 99}: {string.Join(", ", g.Select(r => r.Key))}").ToList();
        Assert.True(shared.Count == 0, "ranges shared by several log classes: " + string.Join("; ", shared));
    }
}
