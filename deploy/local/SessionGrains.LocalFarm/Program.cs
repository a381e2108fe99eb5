using System.Runtime.InteropServices;
using SessionGrains.LocalFarm;

// deploy/local/farm.sh runs this with FARM_ROOT set to the repository; the commands are described at the top of farm.sh.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};
using var terminated = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interrupted.Cancel();
});

try
{
    var root = Environment.GetEnvironmentVariable("FARM_ROOT") is { Length: > 0 } r
        ? r
        : FarmPaths.FindRepositoryRoot(AppContext.BaseDirectory, Environment.CurrentDirectory);
    var paths = FarmPaths.Create(root, Environment.GetEnvironmentVariable);
    return await new FarmCommands(paths, Environment.GetEnvironmentVariable, Console.Out, Console.Error).RunAsync(args, interrupted.Token);
}
catch (FarmException failure)
{
    await Console.Error.WriteLineAsync($"{DateTime.Now:HH:mm:ss} farm: error: {failure.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    return 130;
}
