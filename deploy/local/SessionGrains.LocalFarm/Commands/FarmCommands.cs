namespace SessionGrains.LocalFarm;

/// <summary>
/// The farm's command line: up, down, status, kill-/stop-/restart-silo N... and -web N..., kill-/stop-/restart-express, logs [NAME [LINES]], help.
/// Progress goes to <c>errors</c>, results (status, logs, URLs) to <c>output</c>; the result is the exit code.
/// </summary>
internal sealed class FarmCommands(FarmPaths paths, Func<string, string?> environment, TextWriter output, TextWriter errors)
{
    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellation = default)
    {
        var action = args.Count > 0 ? args[0] : "help";
        try
        {
            return action switch
            {
                "up" => await new UpCommand(paths, UpEnvironment(args), output, errors).RunAsync(cancellation),
                "down" => await DownAsync(cancellation),
                "status" => await StatusAsync(cancellation),
                "logs" => Logs(args.Count > 1 ? args[1] : null, args.Count > 2 ? args[2] : null),
                "help" or "-h" or "--help" => Usage(output, 0),
                _ when action.Split('-') is [var verb and ("kill" or "stop" or "restart" or "start"), var kind and ("silo" or "web" or "express")] =>
                    await MemberAsync(verb, kind switch { "silo" => MemberKind.Silo, "web" => MemberKind.Web, _ => MemberKind.Express }, action, args.Skip(1).ToArray(), cancellation),
                _ => Usage(errors, 2),
            };
        }
        catch (FarmException failure)
        {
            new FarmLog(errors, paths).Info("error: " + failure.Message);
            return 1;
        }
    }

    /// <summary><c>up [--storage azure|redis|postgres]</c>: the option wins over FARM_STORAGE.</summary>
    private Func<string, string?> UpEnvironment(IReadOnlyList<string> args) => args switch
    {
        [_] => environment,
        [_, "--storage", var storage] => name => name == "FARM_STORAGE" ? storage : environment(name),
        _ => throw new FarmException("usage: farm.sh up [--storage azure|redis|postgres]"),
    };

    private Farm Open() => new(paths, FarmSettings.Load(paths.FarmEnv, environment), environment, errors);

    private async Task<int> DownAsync(CancellationToken cancellation)
    {
        using var farm = Open();
        using var locked = await farm.LockAsync(cancellation);
        if (farm.Running().Count == 0)
        {
            farm.Log.Info("nothing running");
            farm.Registry.ForgetAll();
            return 0;
        }

        await farm.StopAllAsync(farm.StopTimeout);
        farm.Log.Info("farm down");
        return 0;
    }

    private async Task<int> StatusAsync(CancellationToken cancellation)
    {
        using var farm = Open();
        var (any, bad) = (false, false);
        if (farm.Settings.ClusterId.Length > 0)
        {
            output.WriteLine($"cluster {farm.Settings.ClusterId} (service {farm.Settings.ServiceId}), state {paths.State}");
        }

        output.WriteLine($"{"NAME",-8} {"PID",-8} {"STATE",-8} HEALTH");
        foreach (var member in farm.Members)
        {
            if (farm.Registry.Live(member.Name) is { } process)
            {
                any = true;
                var (healthy, code, body) = await farm.Probe.CheckAsync(member, cancellation);
                bad |= !healthy;
                body = member.Kind == MemberKind.Storage ? "(storage answers)" : body[..Math.Min(70, body.Length)];
                output.WriteLine($"{member.Name,-8} {process.Pid,-8} {"alive",-8} {code:000} {body}");
            }
            else
            {
                output.WriteLine($"{member.Name,-8} {"-",-8} {"stopped",-8} -");
                bad = true;
            }
        }

        if (!any)
        {
            output.WriteLine("the farm is down");
        }

        output.Flush();
        return bad ? 1 : 0;
    }

    /// <summary>One or more silos or front ends (<c>restart-silo 1 2 3</c>), acted on together.</summary>
    private async Task<int> MemberAsync(string verb, MemberKind kind, string action, IReadOnlyList<string> numbers, CancellationToken cancellation)
    {
        using var farm = Open();
        using var locked = await farm.LockAsync(cancellation);
        var members = FarmMember.ParseMany(farm.Settings, kind, numbers, action);
        var commands = new MemberCommands(farm);
        return verb switch
        {
            "kill" => await commands.KillAsync(members),
            "stop" => await commands.StopAsync(members),
            _ => await commands.RestartAsync(members, cancellation),
        };
    }

    /// <summary>Lists the log files, or prints the last LINES (50) lines of one (NAME.log, or the file NAME).</summary>
    private int Logs(string? name, string? lines)
    {
        if (name is null)
        {
            foreach (var file in Directory.Exists(paths.Logs) ? Directory.GetFileSystemEntries(paths.Logs).Order(StringComparer.Ordinal).ToArray() : [])
            {
                output.WriteLine(Path.GetFileName(file));
            }

            return 0;
        }

        var count = lines is null ? 50 : int.TryParse(lines, out var l) && l >= 0 ? l : throw new FarmException($"LINES must be a number (got '{lines}')");
        var path = Path.Combine(paths.Logs, name + ".log");
        path = File.Exists(path) ? path : Path.Combine(paths.Logs, name);
        if (!File.Exists(path))
        {
            throw new FarmException($"no log {name} in {paths.Logs}");
        }

        foreach (var line in FarmLog.LastLines(path, count))
        {
            output.WriteLine(line);
        }

        output.Flush();
        return 0;
    }

    /// <summary>farm.sh's header comment: the user documentation of the commands and overrides.</summary>
    private int Usage(TextWriter writer, int exitCode)
    {
        var script = Path.Combine(paths.DeployLocal, "farm.sh");
        foreach (var line in File.Exists(script) ? File.ReadLines(script).Skip(1).TakeWhile(l => l.StartsWith('#')) : [])
        {
            writer.WriteLine(line.StartsWith("# ", StringComparison.Ordinal) ? line[2..] : line[1..]);
        }

        writer.Flush();
        return exitCode;
    }
}
