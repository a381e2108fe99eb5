using System.Text.RegularExpressions;
using k8s;
using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>
/// A client-side schema check without a cluster: each object is read strictly into KubernetesClient's API types, which
/// are generated from the Kubernetes OpenAPI specification. An apiVersion and kind that Kubernetes does not serve (a
/// typo, or a version since removed), an unknown field, a duplicate key or a value of the wrong type fails. Required
/// fields are not checked: these types do not record them.
/// </summary>
public static partial class KubernetesSchema
{
    /// <summary>What fails in <paramref name="yaml"/> (one or more documents), each naming the document's kind and name; empty when all pass.</summary>
    public static IReadOnlyList<string> Problems(string yaml)
    {
        var problems = new List<string>();
        foreach (var document in DocumentSeparator().Split(yaml).Where(d => !string.IsNullOrWhiteSpace(d)))
        {
            var label = Label(document);
            try
            {
                _ = KubernetesYaml.LoadAllFromString(document, strict: true).Single();
            }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or KeyNotFoundException or InvalidOperationException)
            {
                problems.Add($"{label}: {(e is KeyNotFoundException ? "no Kubernetes API type of this apiVersion and kind" : Describe(e))}");
            }
        }

        return problems;
    }

    private static string Label(string document)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(document));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return "a document that does not parse";
        }

        var root = stream.Documents.FirstOrDefault()?.RootNode;
        return $"{root?.Text("kind") ?? "?"}/{root?.Text("metadata", "name") ?? "?"}";
    }

    private static string Describe(Exception e) => e.InnerException is null ? e.Message : $"{e.Message} ({Describe(e.InnerException)})";

    [GeneratedRegex(@"^---[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();
}
