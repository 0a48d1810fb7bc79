using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CambApi.OpenApiNormalizer;

/// <summary>
/// C# method names for FastAPI operation ids. FastAPI makes an id <c>{function}{path, non-word chars as _}_{method}</c>;
/// the method is named after the function alone (<c>GetAudioSeparationRunInfoAsync</c>, not
/// <c>Get_audio_separation_run_info_audio_separation_result__run_id__getAsync</c>), and the name depends on the id only:
/// an operation the vendor moves to another path with the same id keeps its method name.
/// </summary>
internal static partial class SpecNormalizer
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private static void RenameFastApiOperationIds(YamlMappingNode root, Dictionary<string, string> schemaNames)
    {
        foreach (var (path, method, op) in Operations(root))
        {
            if (op.Children.TryGetValue(new YamlScalarNode("operationId"), out var idNode) && idNode is YamlScalarNode { Value: { } id } &&
                FastApiOperationName(path, method, id, Text(op, "summary")) is { } name)
            {
                op.Children[new YamlScalarNode("operationId")] = new YamlScalarNode(name);
                schemaNames[$"Body_{id}"] = $"{name}Request"; // FastAPI's name for the operation's form body
            }
        }
    }

    /// <summary>
    /// The method name (without <c>Async</c>) NSwag is given for a FastAPI operation id, or null when the id is not of
    /// FastAPI's shape (then NSwag sees the id unchanged).
    /// </summary>
    /// <remarks>
    /// The function name is found two ways, both from the vendor's own text: the id ends with this operation's path and
    /// method (the usual case), or the id starts with the operation's summary in snake_case followed by a path and a
    /// method (FastAPI's default summary is the function name in title case, so this holds after the vendor moves the
    /// operation to another path and keeps its id). An id that fits neither is left to NSwag.
    /// </remarks>
    internal static string? FastApiOperationName(string path, string method, string operationId, string? summary)
    {
        var suffix = Regex.Replace(path, @"\W", "_") + "_" + method.ToLowerInvariant();
        if (operationId.Length > suffix.Length && operationId.EndsWith(suffix, StringComparison.Ordinal))
        {
            return PascalCase(operationId[..^suffix.Length]);
        }

        if (summary is not null && Regex.Replace(summary.Trim().ToLowerInvariant(), @"\W+", "_") is { Length: > 0 } function &&
            operationId.StartsWith(function + "_", StringComparison.Ordinal) &&
            HttpMethods.Any(m => operationId.EndsWith("_" + m, StringComparison.Ordinal) && operationId.Length > function.Length + m.Length + 2))
        {
            return PascalCase(function);
        }

        return null;
    }

    /// <summary>The C# method name (without <c>Async</c>) of an operation, as NSwag will name it after this normalizer.</summary>
    internal static string MethodName(string path, string method, YamlMappingNode operation) =>
        Text(operation, "operationId") is { } id
            ? FastApiOperationName(path, method, id, Text(operation, "summary")) ?? PascalCase(id)
            : PascalCase(method + Regex.Replace(path, @"\W", "_"));

    /// <summary>Every operation of the document: its path, HTTP method and operation object.</summary>
    private static IEnumerable<(string Path, string Method, YamlMappingNode Operation)> Operations(YamlMappingNode root)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("paths"), out var paths) || paths is not YamlMappingNode pathMap)
        {
            yield break;
        }

        foreach (var (pathKey, pathItem) in pathMap.Children)
        {
            if (pathKey is not YamlScalarNode { Value: { } path } || pathItem is not YamlMappingNode operations)
            {
                continue;
            }

            foreach (var (methodKey, operation) in operations.Children.ToList())
            {
                if (methodKey is YamlScalarNode { Value: { } method } && HttpMethods.Contains(method) && operation is YamlMappingNode op)
                {
                    yield return (path, method, op);
                }
            }
        }
    }

    /// <summary><c>get_audio_separation</c> or <c>getAudio-separation</c> → <c>GetAudioSeparation</c>.</summary>
    private static string PascalCase(string name) =>
        string.Concat(Regex.Split(name, @"[\W_]+").Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { } text } ? text : null;
}
