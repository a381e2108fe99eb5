using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>Path look-ups in YamlDotNet's representation model, and what Kubernetes reads a plain scalar as.</summary>
public static class YamlNodes
{
    private static readonly string[] NonStringWords = ["true", "false", "yes", "no", "on", "off", "null", "~", ""];

    /// <summary>The node at <paramref name="path"/> (mapping keys), or null.</summary>
    public static YamlNode? Get(this YamlNode node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            current = current is YamlMappingNode mapping
                ? mapping.Children.FirstOrDefault(entry => entry.Key is YamlScalarNode k && k.Value == key).Value
                : null;
        }

        return current;
    }

    /// <summary>The scalar text at <paramref name="path"/>, or null.</summary>
    public static string? Text(this YamlNode node, params string[] path) => node.Get(path) is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>The integer at <paramref name="path"/>, or null.</summary>
    public static int? Int(this YamlNode node, params string[] path) =>
        int.TryParse(node.Text(path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The items of the sequence at <paramref name="path"/> (none if absent).</summary>
    public static IEnumerable<YamlNode> Items(this YamlNode node, params string[] path) =>
        node.Get(path) is YamlSequenceNode sequence ? sequence.Children : [];

    /// <summary>The scalar entries of the mapping at <paramref name="path"/> (none if absent).</summary>
    public static IReadOnlyDictionary<string, string> Strings(this YamlNode node, params string[] path) =>
        node.Get(path) is YamlMappingNode mapping
            ? mapping.Children.Where(e => e.Key is YamlScalarNode && e.Value is YamlScalarNode)
                .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "")
            : new Dictionary<string, string>();

    /// <summary>Whether Kubernetes (YAML 1.1) reads this scalar as a string: quoted, or plain but no number, bool or null.</summary>
    public static bool IsString(this YamlScalarNode scalar) =>
        scalar.Style != ScalarStyle.Plain
        || !(NonStringWords.Contains((scalar.Value ?? "").ToLowerInvariant())
             || double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
}
