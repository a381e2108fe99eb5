using System.ComponentModel;
using System.Diagnostics;

namespace SessionGrains.DeployTests;

/// <summary><c>kubectl kustomize FOLDER</c>: what <c>kubectl apply -k FOLDER</c> would send, rendered without a cluster.</summary>
public static class Kustomize
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>The rendered objects of the kustomization in the root-relative <paramref name="folder"/>; throws with kubectl's message when it fails.</summary>
    public static string Render(RepositoryRoot root, string folder)
    {
        var (exit, output, errors) = Run(root, "kustomize", root.PathOf(folder));
        if (exit != 0)
        {
            // Debian's kubernetes-client (kubectl 1.20) embeds kustomize v2, which reads no folder in `resources` and no `patches`.
            var version = Run(root, "version", "--client").Output.Trim();
            throw new InvalidOperationException(
                $"kubectl kustomize {folder} failed (exit {exit}): {errors.Trim()}\n(deploy/k8s needs kubectl 1.21 or later, kustomize v4+; this one: {version})");
        }

        return output;
    }

    private static (int ExitCode, string Output, string Errors) Run(RepositoryRoot root, params string[] arguments)
    {
        var start = new ProcessStartInfo("kubectl", arguments) { WorkingDirectory = root.FullPath, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["KUBECONFIG"] = "/dev/null"; // rendering needs no cluster; never read the user's contexts
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"kubectl could not be started ({e.Message}): .ci/run installs it; see deploy/README.md", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Bound))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kubectl {string.Join(' ', arguments)} did not finish within {Bound.TotalSeconds} s");
            }

            return (process.ExitCode, output.Result, errors.Result);
        }
    }
}
