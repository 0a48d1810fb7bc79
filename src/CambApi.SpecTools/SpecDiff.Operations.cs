using System.Text.RegularExpressions;
using CambApi.OpenApiNormalizer;
using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>Operations: paths and methods, operation ids, parameters, request bodies, responses and their headers.</summary>
internal sealed partial class SpecDiff
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private static readonly string[] PathItemKeys = [.. HttpMethods, "parameters", "$ref"];

    private static readonly string[] OperationKeys =
        ["tags", "operationId", "parameters", "requestBody", "responses", "deprecated", "security", "callbacks"];

    private static readonly string[] ParameterKeys = ["name", "in", "required", "deprecated", "schema"];

    private static readonly string[] RequestBodyKeys = ["content", "required"];

    private static readonly string[] MediaTypeKeys = ["schema"];

    private static readonly string[] ResponseKeys = ["content", "headers", "links"];

    /// <summary>Every operation, with the parameters its path item declares for all its operations merged in (the operation's own win).</summary>
    private static IEnumerable<(string Path, string Method, YamlNode Operation)> Operations(YamlMappingNode spec) =>
        from path in spec.Get("paths").Entries()
        from op in path.Value.Entries()
        where HttpMethods.Contains(op.Key)
        select (path.Key, op.Key, WithPathParameters(path.Value, op.Value));

    private static YamlNode WithPathParameters(YamlNode pathItem, YamlNode operation)
    {
        if (pathItem.Get("parameters") is not YamlSequenceNode shared || shared.Children.Count == 0 || operation is not YamlMappingNode map)
        {
            return operation;
        }

        static string Key(YamlNode p) => $"{p.Text("in")} {p.Text("name")} {p.Text("$ref")}";
        var own = operation.Get("parameters").Items().ToList();
        var merged = new YamlSequenceNode(own.Concat(shared.Children.Where(s => own.All(p => Key(p) != Key(s)))));
        var copy = new YamlMappingNode(map.Children.Where(c => c.Key.Text() != "parameters"));
        copy.Add("parameters", merged);
        return copy;
    }

    /// <summary>
    /// deprecated: false → true is its own class: nothing breaks, consumers get a warning. The C# name, when there is one,
    /// is what the report looks for in our code and tests.
    /// </summary>
    private void CompareDeprecation(string subject, YamlNode? o, YamlNode? n, string? csharpName)
    {
        var (was, now) = (o.Text("deprecated") == "true", n.Text("deprecated") == "true");
        if (now && !was)
        {
            _changes.Add(new Change(Impact.Deprecated, subject,
                csharpName is null ? "deprecated by the vendor" : $"deprecated by the vendor ({csharpName} is [Obsolete], CAMB0001)")
            { DeprecatedName = csharpName?.Split('.')[^1] });
        }
        else if (was && !now)
        {
            Add(Impact.NonBreaking, subject, "no longer deprecated");
        }
    }

    private static string MethodName(string path, string method, YamlNode op) =>
        op.Text("operationId") is { } id ? (SpecNormalizer.FastApiOperationName(path, method, id, op.Text("summary")) ?? id) + "Async" : "(no operationId)";

    /// <summary>A path with its parameters' names blanked: <c>/x/{run_id}</c> and <c>/x/{id}</c> are the same address.</summary>
    private static string Template(string path) => Regex.Replace(path, @"\{[^}]*\}", "{}");

    private void CompareOperations()
    {
        var o = Operations(_old).ToDictionary(x => $"{x.Method.ToUpperInvariant()} {x.Path}");
        var n = Operations(_new).ToDictionary(x => $"{x.Method.ToUpperInvariant()} {x.Path}");
        foreach (var (key, old) in o)
        {
            if (n.TryGetValue(key, out var @new))
            {
                CompareOperation(key, old, @new);
                continue;
            }

            var unmatched = n.Where(x => !o.ContainsKey(x.Key)).ToList();
            var renamedParameters = unmatched.Where(x => x.Value.Method == old.Method && Template(x.Value.Path) == Template(old.Path)).ToList();
            var moved = unmatched.Where(x => x.Value.Operation.Text("operationId") is { } id && id == old.Operation.Text("operationId")).ToList();
            if (renamedParameters.Count == 1)
            {
                // Same address, parameters renamed: the operation's parameter comparison names the rename.
                CompareOperation(renamedParameters[0].Key, old, renamedParameters[0].Value);
                n.Remove(renamedParameters[0].Key);
            }
            else if (moved.Count == 1)
            {
                Add(Impact.Breaking, key, $"moved → {moved[0].Key}", gone: LiteralPrefix(old.Path));
                CompareOperation(moved[0].Key, old, moved[0].Value);
                n.Remove(moved[0].Key);
            }
            else
            {
                Add(Impact.Breaking, key, $"operation removed (CambApiRestClient.{MethodName(old.Path, old.Method, old.Operation)})", gone: LiteralPrefix(old.Path));
            }
        }

        foreach (var (key, @new) in n.Where(x => !o.ContainsKey(x.Key)))
        {
            Add(Impact.NonBreaking, key, $"operation added (CambApiRestClient.{MethodName(@new.Path, @new.Method, @new.Operation)})");
        }

        foreach (var path in _old.Get("paths").Entries().Select(e => e.Key).Intersect(_new.Get("paths").Entries().Select(e => e.Key)))
        {
            var (op, np) = (_old.GetPath("paths", path), _new.GetPath("paths", path));
            CompareProvenance($"path {path}", op, np);
            CompareDocs($"path {path}", op, np);
            CompareUnknownKeys($"path {path}", op, np, PathItemKeys);
        }
    }

    /// <summary>The path up to its first parameter, as code and tests spell it: "/audio-separation-result/".</summary>
    private static string LiteralPrefix(string path) => path.Split('{')[0];

    private void CompareOperation(string subject, (string Path, string Method, YamlNode Operation) old, (string Path, string Method, YamlNode Operation) @new)
    {
        var (o, n) = (old.Operation, @new.Operation);
        var (om, nm) = (MethodName(old.Path, old.Method, o), MethodName(@new.Path, @new.Method, n));
        if (om != nm)
        {
            Add(Impact.Breaking, subject, o.Text("operationId") == n.Text("operationId")
                ? $"C# method CambApiRestClient.{om} → {nm} (operationId {o.Text("operationId")} unchanged)"
                : $"operationId {o.Text("operationId")} → {n.Text("operationId")} (CambApiRestClient.{om} → {nm})");
        }
        else if (o.Text("operationId") != n.Text("operationId"))
        {
            Add(Impact.NonBreaking, subject, $"operationId {o.Text("operationId")} → {n.Text("operationId")} (same C# method {nm})");
        }

        CompareDeprecation(subject, o, n, $"CambApiRestClient.{nm}");
        if (!Yaml.SameValue(o.Get("tags"), n.Get("tags")))
        {
            Add(Impact.NonBreaking, subject, $"tags {Flow(o.Get("tags"))} → {Flow(n.Get("tags"))}");
        }

        if (!Yaml.SameValue(o.Get("callbacks"), n.Get("callbacks")))
        {
            Add(Impact.NonBreaking, subject, "callbacks changed (the client serves no callbacks; an app that does reads this)");
        }

        CompareDocs(subject, o, n, ["operationId"]);
        CompareSecurity(subject, o, n);
        CompareParameters(subject, o, n);
        CompareRequestBody(subject, o.Get("requestBody"), n.Get("requestBody"), OptionalParameters(n));
        CompareResponses(subject, o.Get("responses"), n.Get("responses"));
        CompareUnknownKeys(subject, o, n, OperationKeys);
    }

    private YamlNode Resolve(YamlNode node, bool old) =>
        node.Text("$ref") is { } reference && SpecParts.Target(reference) is { } target &&
        SpecParts.Find(old ? _old : _new, target) is { } resolved ? resolved : node;

    private void CompareParameters(string subject, YamlNode o, YamlNode n)
    {
        static string Key(YamlNode p) => $"{p.Text("in")} parameter {p.Text("name")}";
        var op = o.Get("parameters").Items().Select(p => Resolve(p, old: true)).ToDictionary(Key);
        var np = n.Get("parameters").Items().Select(p => Resolve(p, old: false)).ToDictionary(Key);
        var removed = op.Keys.Except(np.Keys).ToList();
        var added = np.Keys.Except(op.Keys).ToList();
        foreach (var key in removed)
        {
            var old = op[key];
            var twins = added.Where(a => np[a].Text("in") == old.Text("in") && Yaml.SameValue(old.Get("schema"), np[a].Get("schema"), IgnoredForIdentity)).ToList();
            if (twins.Count == 1)
            {
                var renamed = np[twins[0]];
                Add(Impact.Breaking, subject, $"{old.Text("in")} parameter renamed: {old.Text("name")} → {renamed.Text("name")} " +
                    $"(the C# parameter {SpecNormalizer.CamelCase(old.Text("name")!)} → {SpecNormalizer.CamelCase(renamed.Text("name")!)}: calls that name it break)", gone: old.Text("name"));
                added.Remove(twins[0]);
                ParameterDetails($"{subject} {twins[0]}", old, renamed);
            }
            else
            {
                Add(Impact.Breaking, subject, $"{key} removed (the generated method loses it: calls that pass it break)", gone: old.Text("name"));
            }
        }

        foreach (var key in added)
        {
            var required = np[key].Text("required") == "true";
            Add(required ? Impact.Breaking : Impact.NonBreaking, subject, required
                ? $"new required {key} ({ShapeOf(np[key].Get("schema") ?? new YamlMappingNode(), old: false).Describe()})"
                : $"new optional {key} ({ShapeOf(np[key].Get("schema") ?? new YamlMappingNode(), old: false).Describe()}; the generated method gains an optional parameter: calls that name their arguments compile unchanged)");
        }

        foreach (var key in op.Keys.Intersect(np.Keys))
        {
            var (was, now) = (op[key].Text("required") == "true", np[key].Text("required") == "true");
            if (was != now)
            {
                Add(now ? Impact.Breaking : Impact.NonBreaking, $"{subject} {key}", now ? "optional → required" : "required → optional");
            }

            ParameterDetails($"{subject} {key}", op[key], np[key]);
        }
    }

    private void ParameterDetails(string subject, YamlNode o, YamlNode n)
    {
        CompareDeprecation(subject, o, n, null);
        CompareDocs(subject, o, n, ["name", "in", "required", "schema"]);
        if (o.Get("schema") is { } os && n.Get("schema") is { } ns)
        {
            CompareSchema(subject, os, ns, Direction.Request, optional: n.Text("required") != "true");
        }

        CompareUnknownKeys(subject, o, n, ParameterKeys);
    }

    /// <summary>The operation's optional parameters (NSwag puts an optional body after them in the generated method).</summary>
    private int OptionalParameters(YamlNode operation) =>
        operation.Get("parameters").Items().Select(p => Resolve(p, old: false)).Count(p => p.Text("required") != "true");

    private void CompareRequestBody(string subject, YamlNode? o, YamlNode? n, int optionalParameters)
    {
        if (o is null && n is null)
        {
            return;
        }

        if (o is null || n is null)
        {
            var required = n?.Text("required") == "true";
            Add(o is null ? (required ? Impact.Breaking : Impact.NonBreaking) : Impact.Breaking, subject,
                o is null ? $"new {(required ? "required" : "optional")} request body" : "request body removed");
            return;
        }

        (o, n) = (Resolve(o, old: true), Resolve(n, old: false));
        if (o.Text("required") != n.Text("required"))
        {
            var now = n.Text("required") == "true";
            // NSwag orders a method's required parameters first: a body that turns optional moves behind the optional ones.
            var moves = optionalParameters > 0;
            Add(now || moves ? Impact.Breaking : Impact.NonBreaking, $"{subject} request body",
                now ? "optional → required"
                : moves ? $"required → optional (the generated method takes the body after its {optionalParameters} optional parameter(s): positional calls break; calls that name the body compile unchanged)"
                : "required → optional");
        }

        CompareDocs($"{subject} request body", o, n, ["content", "required"]);
        CompareContent($"{subject} request body", o.Get("content"), n.Get("content"), Direction.Request);
        CompareUnknownKeys($"{subject} request body", o, n, RequestBodyKeys);
    }

    private void CompareContent(string subject, YamlNode? o, YamlNode? n, Direction direction)
    {
        foreach (var (type, media) in o.Entries())
        {
            if (n.Get(type) is not { } other)
            {
                Add(Impact.Breaking, subject, $"media type {type} removed");
            }
            else
            {
                if (media.Get("schema") is { } os && other.Get("schema") is { } ns)
                {
                    CompareSchema($"{subject} ({type})", os, ns, direction);
                }

                CompareDocs($"{subject} ({type})", media, other, ["schema"]);
                CompareUnknownKeys($"{subject} ({type})", media, other, MediaTypeKeys);
            }
        }

        foreach (var (type, _) in n.Entries().Where(e => o.Get(e.Key) is null))
        {
            Add(direction == Direction.Request ? Impact.NonBreaking : Impact.Changed, subject, direction == Direction.Request
                ? $"media type {type} added (the client keeps sending {string.Join(", ", o.Entries().Select(e => e.Key))})"
                : $"media type {type} added (the service may answer in it; the client reads JSON)");
        }
    }

    private void CompareResponses(string subject, YamlNode? o, YamlNode? n)
    {
        foreach (var (status, response) in o.Entries())
        {
            if (n.Get(status) is not { } other)
            {
                var typed = Resolve(response, old: true).Get("content") is not null;
                Add(typed ? Impact.Breaking : Impact.NonBreaking, subject, typed
                    ? $"response {status} removed (the client reads it as a typed result or error today; afterwards a generic CambApiException)"
                    : $"response {status} removed (it had no body: the client's handling is the same)");
                continue;
            }

            var (or, nr) = (Resolve(response, old: true), Resolve(other, old: false));
            var at = $"{subject} response {status}";
            CompareDocs(at, or, nr, ["content"]);
            CompareContent(at, or.Get("content"), nr.Get("content"), Direction.Response);
            foreach (var (name, _) in or.Get("headers").Entries().Concat(nr.Get("headers").Entries()).DistinctBy(e => e.Key))
            {
                var (oh, nh) = (or.GetPath("headers", name), nr.GetPath("headers", name));
                if (!Yaml.SameValue(oh, nh, Yaml.IsSourceKey))
                {
                    Add(Impact.NonBreaking, at, $"header {name} {(oh is null ? "documented" : nh is null ? "no longer documented" : "changed")} (the generated client does not read response headers; an exception carries them as received)");
                }
            }

            if (!Yaml.SameValue(or.Get("links"), nr.Get("links")))
            {
                Add(Impact.NonBreaking, at, "links changed (the client follows no links)");
            }

            CompareUnknownKeys(at, or, nr, ResponseKeys);
        }

        foreach (var (status, _) in n.Entries().Where(e => o.Get(e.Key) is null))
        {
            Add(Impact.Changed, subject, $"response {status} documented (the client now maps it instead of a generic CambApiException)");
        }
    }
}
