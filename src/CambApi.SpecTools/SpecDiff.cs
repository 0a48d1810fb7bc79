using CambApi.OpenApiNormalizer;
using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>How a change lands on code that uses the client.</summary>
internal enum Impact
{
    /// <summary>Code that compiled or worked stops doing so.</summary>
    Breaking,

    /// <summary>Still compiles and works, but behaves differently.</summary>
    Changed,

    /// <summary>
    /// Works as before; the vendor marks it deprecated, so consumers see <c>[Obsolete]</c> (CAMB0001) and should move off
    /// it before the vendor removes it.
    /// </summary>
    Deprecated,

    /// <summary>Documentation, or something new that nobody uses yet.</summary>
    NonBreaking,
}

/// <summary>One line of the report.</summary>
/// <param name="Subject">What changed: an operation (<c>GET /x</c>), a schema or field (<c>schema X.y</c>), a scheme.</param>
/// <param name="Detail">What happened to it, old → new.</param>
internal sealed record Change(Impact Impact, string Subject, string Detail)
{
    /// <summary>A name (wire or C#) that no longer exists after the change; the report lists what still uses it.</summary>
    public string? Gone { get; init; }

    /// <summary>The C# name the vendor now deprecates; the report lists where our code and tests still use it.</summary>
    public string? DeprecatedName { get; init; }

    public static string Label(Impact impact) => impact switch
    {
        Impact.Breaking => "BREAKING",
        Impact.Changed => "CHANGED",
        Impact.Deprecated => "DEPRECATED",
        _ => "NON-BREAKING",
    };

    public override string ToString() => $"{Label(Impact),-13} {Subject}: {Detail}";
}

/// <summary>
/// Compares two versions of the spec and classifies every difference from the client's side: for a response a
/// field that may now be null breaks callers, for a request a new required input does. Schemas are compared once,
/// as components (one generated class each), in the direction they are used; operations compare their parameters,
/// bodies and responses, following a reference only by name.
/// </summary>
/// <remarks>
/// Hand-written: the tools that do this (oasdiff, openapi-changes, Criteo's and Azure's comparators) are Go/Node
/// binaries or packages not served here, and none knows our generator's rules (extensible enums, FastAPI
/// operation ids, nullable reads) that decide what a change does to a .NET caller.
/// </remarks>
internal sealed class SpecDiff
{
    [Flags]
    private enum Direction
    {
        None = 0,
        Request = 1,
        Response = 2,
    }

    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private static readonly string[] Constraints =
        ["minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "const"];

    private static readonly string[] DocKeys = ["title", "description", "summary", "example", "examples", "externalDocs"];

    /// <summary>
    /// What the hand-written layer does with a value of an extensible enum it does not know; the report says so
    /// next to a new value. Every other component string enum is extensible too (the normalizer makes it so).
    /// </summary>
    private static readonly Dictionary<string, string> UnknownEnumValue = new(StringComparer.Ordinal)
    {
        ["TaskStatus"] = "the client keeps a status it does not know and treats it as not finished (polls on until MaxWait); if it is final, add it to SeparationStatus.IsTerminal",
    };

    private readonly YamlMappingNode _old;
    private readonly YamlMappingNode _new;
    private readonly List<Change> _changes = [];
    private readonly Dictionary<string, string> _renamedSchemas = new(StringComparer.Ordinal);

    private SpecDiff(YamlMappingNode oldSpec, YamlMappingNode newSpec) => (_old, _new) = (oldSpec, newSpec);

    public static IReadOnlyList<Change> Compare(YamlMappingNode oldSpec, YamlMappingNode newSpec)
    {
        var diff = new SpecDiff(oldSpec, newSpec);
        diff.CompareDocument();
        return diff._changes
            .Distinct()
            .OrderBy(c => c.Impact)
            .ThenBy(c => c.Subject, StringComparer.Ordinal)
            .ThenBy(c => c.Detail, StringComparer.Ordinal)
            .ToList();
    }

    private void Add(Impact impact, string subject, string detail, string? gone = null) =>
        _changes.Add(new Change(impact, subject, detail) { Gone = gone });

    private void CompareDocument()
    {
        if (_old.Text("openapi") != _new.Text("openapi"))
        {
            Add(Impact.Changed, "openapi", $"version {_old.Text("openapi")} → {_new.Text("openapi")}");
        }

        CompareInfo();
        CompareServers();
        if (!Yaml.SameValue(_old.Get("security"), _new.Get("security")))
        {
            Add(Impact.Breaking, "security", $"default requirement {Flow(_old.Get("security"))} → {Flow(_new.Get("security"))}");
        }

        CompareSecuritySchemes();
        CompareSchemas();
        CompareOperations();
        CompareOtherComponents();
    }

    private void CompareInfo()
    {
        var (o, n) = (_old.Get("info"), _new.Get("info"));
        if (o.Text("version") != n.Text("version"))
        {
            Add(Impact.NonBreaking, "info", $"version {o.Text("version") ?? "(none)"} → {n.Text("version") ?? "(none)"}");
        }

        CompareDocs("info", o, n, ["version"]);
        CompareProvenance("info", o, n);
    }

    private void CompareServers()
    {
        var o = _old.Get("servers").Items().Select(s => s.Text("url")).ToList();
        var n = _new.Get("servers").Items().Select(s => s.Text("url")).ToList();
        if (!o.SequenceEqual(n))
        {
            Add(Impact.Changed, "servers", $"{string.Join(", ", o)} → {string.Join(", ", n)} (the client's default base address follows servers[0])");
        }
    }

    private void CompareSecuritySchemes()
    {
        var o = _old.GetPath("components", "securitySchemes");
        var n = _new.GetPath("components", "securitySchemes");
        foreach (var (name, old) in o.Entries())
        {
            var subject = $"securityScheme {name}";
            if (n.Get(name) is not { } @new)
            {
                Add(Impact.Breaking, subject, "removed");
                continue;
            }

            foreach (var key in new[] { "type", "in", "name", "scheme", "bearerFormat" })
            {
                if (old.Text(key) != @new.Text(key))
                {
                    Add(Impact.Breaking, subject, $"{key} {old.Text(key) ?? "(none)"} → {@new.Text(key) ?? "(none)"}");
                }
            }

            CompareDocs(subject, old, @new);
            CompareProvenance(subject, old, @new);
        }

        foreach (var (name, _) in n.Entries().Where(e => o.Get(e.Key) is null))
        {
            Add(Impact.NonBreaking, $"securityScheme {name}", "added");
        }
    }

    private void CompareOtherComponents()
    {
        foreach (var (kind, _) in _old.Get("components").Entries().Concat(_new.Get("components").Entries()).DistinctBy(e => e.Key))
        {
            if (kind is "schemas" or "securitySchemes")
            {
                continue;
            }

            var o = _old.GetPath("components", kind);
            var n = _new.GetPath("components", kind);
            foreach (var name in o.Entries().Select(e => e.Key).Union(n.Entries().Select(e => e.Key)))
            {
                if (!Yaml.SameValue(o.Get(name), n.Get(name), Yaml.IsSourceKey))
                {
                    var what = o.Get(name) is null ? "added" : n.Get(name) is null ? "removed" : "changed";
                    Add(what == "added" ? Impact.NonBreaking : Impact.Changed, $"components/{kind}/{name}", $"{what} (used through references; see the operations above)");
                }
            }
        }
    }

    // ----- schemas -----

    private void CompareSchemas()
    {
        var o = _old.GetPath("components", "schemas");
        var n = _new.GetPath("components", "schemas");
        var usage = Usage(_old);
        foreach (var (name, direction) in Usage(_new))
        {
            usage[name] = usage.GetValueOrDefault(name) | direction;
        }

        var removed = o.Entries().Where(e => n.Get(e.Key) is null).ToList();
        var added = n.Entries().Where(e => o.Get(e.Key) is null).ToList();
        foreach (var (name, schema) in removed)
        {
            var twins = added.Where(a => Yaml.SameValue(schema, a.Value, IgnoredForIdentity)).ToList();
            if (twins.Count == 1 && removed.Count(r => Yaml.SameValue(r.Value, twins[0].Value, IgnoredForIdentity)) == 1)
            {
                _renamedSchemas[name] = twins[0].Key;
            }
        }

        foreach (var (name, schema) in o.Entries())
        {
            if (n.Get(name) is { } @new)
            {
                CompareSchema($"schema {name}", schema, @new, usage.GetValueOrDefault(name), component: name);
            }
            else if (_renamedSchemas.TryGetValue(name, out var renamed))
            {
                Add(Impact.Breaking, $"schema {name}", $"renamed → {renamed} (the generated class is renamed)", gone: name);
                CompareSchema($"schema {renamed}", schema, n.Get(renamed)!, usage.GetValueOrDefault(renamed), component: renamed);
            }
            else if (IsNamedPrimitive(schema))
            {
                Add(Impact.NonBreaking, $"schema {name}", "removed (a named primitive: inlined where used, no generated type)");
            }
            else
            {
                Add(Impact.Breaking, $"schema {name}", "removed (its generated class disappears)", gone: name);
            }
        }

        foreach (var (name, _) in added.Where(a => !_renamedSchemas.ContainsValue(a.Key)))
        {
            Add(Impact.NonBreaking, $"schema {name}", "added");
        }
    }

    private static bool IgnoredForIdentity(string key) => Yaml.IsSourceKey(key) || key is "title" or "description";

    /// <summary>Which component schemas each document uses in requests, responses or both (through references).</summary>
    private static Dictionary<string, Direction> Usage(YamlMappingNode spec)
    {
        var usage = new Dictionary<string, Direction>(StringComparer.Ordinal);
        var schemas = spec.GetPath("components", "schemas");

        void Mark(YamlNode? node, Direction direction)
        {
            foreach (var reference in node is null ? [] : SpecParts.References(node))
            {
                if (SpecParts.Target(reference) is { Section: "components/schemas" } target &&
                    (usage.GetValueOrDefault(target.Key) & direction) != direction)
                {
                    usage[target.Key] = usage.GetValueOrDefault(target.Key) | direction;
                    Mark(schemas.Get(target.Key), direction);
                }
            }
        }

        foreach (var (_, _, op) in Operations(spec))
        {
            Mark(op.Get("parameters"), Direction.Request);
            Mark(op.Get("requestBody"), Direction.Request);
            Mark(op.Get("responses"), Direction.Response);
        }

        return usage;
    }

    /// <summary>The meaning of a schema's type, as a caller sees it.</summary>
    private sealed record Shape(string Type, bool Nullable, string? Format, string? Reference)
    {
        public string Describe() => (Format is null ? Type : $"{Type} ({Format})") + (Nullable ? " | null" : "");
    }

    private Shape ShapeOf(YamlNode schema, bool old)
    {
        if (schema.Text("$ref") is { } reference)
        {
            var name = reference.Split('/')[^1];
            var spec = old ? _old : _new;
            var target = spec.GetPath("components", "schemas", name);
            if (target is not null && IsNamedPrimitive(target))
            {
                // NSwag inlines a named primitive (RunIDParam: integer): callers see its type, not its name.
                return ShapeOf(target, old);
            }

            return new Shape(old && _renamedSchemas.TryGetValue(name, out var renamed) ? renamed : name, false, null, name);
        }

        var nullable = schema.Text("nullable") == "true";
        var branches = schema.Get("anyOf").Items().Concat(schema.Get("oneOf").Items()).ToList();
        if (branches.Count > 0)
        {
            var shapes = branches.Select(b => ShapeOf(b, old)).ToList();
            var real = shapes.Where(s => s.Type != "null").ToList();
            nullable |= real.Count < shapes.Count || real.Any(s => s.Nullable);
            return real.Count == 1
                ? real[0] with { Nullable = nullable }
                : new Shape(string.Join(" | ", real.Select(s => s.Describe()).Distinct()), nullable, null, null);
        }

        var types = schema.Get("type") is YamlSequenceNode list ? list.Children.Select(t => t.Text()!).ToList() : [schema.Text("type") ?? InferType(schema)];
        nullable |= types.Remove("null");
        if (types.Count == 0)
        {
            return new Shape("null", false, null, null); // the null branch of FastAPI's Optional[X]
        }

        var type = types.Count == 1 ? types[0] : string.Join(" | ", types);
        if (type == "array" && schema.Get("items") is { } items)
        {
            type = $"array of {ShapeOf(items, old).Describe()}";
        }
        else if (type == "object" && schema.Get("additionalProperties") is YamlMappingNode values && schema.Get("properties") is null)
        {
            type = $"map of {ShapeOf(values, old).Describe()}";
        }

        return new Shape(type, nullable, schema.Text("format"), null);
    }

    private static string InferType(YamlNode schema) =>
        schema.Get("properties") is not null || schema.Get("additionalProperties") is not null ? "object" : "any";

    private static bool IsNamedPrimitive(YamlNode schema) =>
        schema.Get("properties") is null && schema.Get("enum") is null && schema.Get("additionalProperties") is null &&
        schema.Text("type") is "string" or "integer" or "number" or "boolean";

    private static string Role(Direction direction, string noun) => direction switch
    {
        Direction.Request => $"request {noun}",
        Direction.Response => $"response {noun}",
        _ => noun,
    };

    /// <summary>The harshest reading when a schema is both sent and received.</summary>
    private static Impact Worst(Direction direction, Impact inRequest, Impact inResponse) => direction switch
    {
        Direction.Request => inRequest,
        Direction.Response => inResponse,
        _ => (Impact)Math.Min((int)inRequest, (int)inResponse),
    };

    private void CompareSchema(string subject, YamlNode o, YamlNode n, Direction direction, string? component = null)
    {
        var (os, ns) = (ShapeOf(o, old: true), ShapeOf(n, old: false));
        if (os.Type != ns.Type)
        {
            Add(Impact.Breaking, subject, $"type {os.Describe()} → {ns.Describe()}");
            return;
        }

        if (os.Reference is not null && ns.Reference is not null)
        {
            return; // the same component by name: compared once, as a component
        }

        if (os.Nullable != ns.Nullable)
        {
            Add(ns.Nullable
                    ? Worst(direction, Impact.NonBreaking, Impact.Breaking)
                    : Worst(direction, Impact.Breaking, Impact.Changed),
                subject,
                ns.Nullable
                    ? $"may now be null ({os.Describe()} → {ns.Describe()})"
                    : $"no longer null ({os.Describe()} → {ns.Describe()})");
        }

        if (os.Format != ns.Format)
        {
            Add(Impact.Breaking, subject, $"format {os.Format ?? "(none)"} → {ns.Format ?? "(none)"} (the generated type follows the format)");
        }

        CompareEnum(subject, o, n, direction, component);
        if (!Yaml.SameValue(o.Get("default"), n.Get("default")))
        {
            Add(Impact.Changed, subject, $"default {Flow(o.Get("default"))} → {Flow(n.Get("default"))}");
        }

        foreach (var key in Constraints.Where(k => !Yaml.SameValue(o.Get(k), n.Get(k))))
        {
            Add(Impact.Changed, subject, $"{key} {Flow(o.Get(key))} → {Flow(n.Get(key))}");
        }

        CompareDeprecation(subject, o, n, component is not null ? CSharpSchemaName(component) : PropertyName(subject));
        CompareDocs(subject, o, n);
        CompareProvenance(subject, o, n);
        CompareProperties(subject, o, n, direction);
        foreach (var key in new[] { "items", "additionalProperties" })
        {
            if (o.Get(key) is YamlMappingNode oi && n.Get(key) is YamlMappingNode ni)
            {
                CompareSchema(subject + (key == "items" ? "[]" : "{}"), oi, ni, direction);
            }
        }

        foreach (var key in new[] { "anyOf", "oneOf", "allOf" })
        {
            var (ob, nb) = (o.Get(key).Items().ToList(), n.Get(key).Items().ToList());
            if (ob.Count == nb.Count)
            {
                for (var i = 0; i < ob.Count; i++)
                {
                    if (ob[i].Get("properties") is not null || nb[i].Get("properties") is not null)
                    {
                        CompareSchema($"{subject} ({key}[{i}])", ob[i], nb[i], direction);
                    }
                }
            }
        }
    }

    private void CompareEnum(string subject, YamlNode o, YamlNode n, Direction direction, string? component)
    {
        var ov = o.Get("enum").Items().Select(Flow).ToList();
        var nv = n.Get("enum").Items().Select(Flow).ToList();
        foreach (var value in ov.Except(nv))
        {
            Add(Impact.Breaking, subject, $"enum value {value} removed");
        }

        foreach (var value in nv.Except(ov))
        {
            var treatment = component is not null
                ? UnknownEnumValue.GetValueOrDefault(component, "the generated client keeps values it does not know (extensible enum), nothing throws")
                : "an inline enum becomes a closed C# enum: an older client throws on this value";
            Add(Worst(direction, Impact.NonBreaking, Impact.Changed), subject,
                direction == Direction.Request ? $"new enum value {value}" : $"new enum value {value}; {treatment}");
        }
    }

    private void CompareProperties(string subject, YamlNode o, YamlNode n, Direction direction)
    {
        var op = o.Get("properties").Entries().ToDictionary(e => e.Key, e => e.Value);
        var np = n.Get("properties").Entries().ToDictionary(e => e.Key, e => e.Value);
        var oreq = o.Get("required").Items().Select(r => r.Text()!).ToHashSet();
        var nreq = n.Get("required").Items().Select(r => r.Text()!).ToHashSet();
        var removed = op.Keys.Except(np.Keys).ToList();
        var added = np.Keys.Except(op.Keys).ToList();
        var field = Role(direction, "field");

        foreach (var name in removed)
        {
            var twins = added.Where(a => Yaml.SameValue(op[name], np[a], IgnoredForIdentity) && oreq.Contains(name) == nreq.Contains(a)).ToList();
            if (twins.Count == 1 && removed.Count(r => Yaml.SameValue(op[r], np[twins[0]], IgnoredForIdentity)) == 1)
            {
                Add(Impact.Breaking, subject, $"{field} renamed: {name} → {twins[0]}", gone: name);
                added.Remove(twins[0]);
                CompareDocs($"{subject}.{twins[0]}", op[name], np[twins[0]]);
            }
            else
            {
                Add(Impact.Breaking, subject, $"{field} removed: {name} ({ShapeOf(op[name], old: true).Describe()})", gone: name);
            }
        }

        foreach (var name in added)
        {
            var shape = ShapeOf(np[name], old: false).Describe();
            var required = nreq.Contains(name);
            var impact = required ? Worst(direction, Impact.Breaking, Impact.Changed) : Worst(direction, Impact.NonBreaking, Impact.Changed);
            Add(impact, subject, $"new {(required ? "required" : "optional")} {field}: {name} ({shape})");
        }

        foreach (var name in op.Keys.Intersect(np.Keys))
        {
            var path = $"{subject}.{name}";
            var (was, now) = (oreq.Contains(name), nreq.Contains(name));
            if (was && !now)
            {
                Add(Worst(direction, Impact.NonBreaking, Impact.Breaking), path,
                    direction == Direction.Request ? "required → optional" : "required → optional (may now be absent: null where callers never saw null)");
            }
            else if (!was && now)
            {
                Add(Worst(direction, Impact.Breaking, Impact.Changed), path,
                    direction == Direction.Request ? "optional → required (callers that leave it out now fail)" : "optional → required (a response without it is now rejected)");
            }

            CompareSchema(path, op[name], np[name], direction);
        }
    }

    // ----- operations -----

    private static IEnumerable<(string Path, string Method, YamlNode Operation)> Operations(YamlMappingNode spec) =>
        from path in spec.Get("paths").Entries()
        from op in path.Value.Entries()
        where HttpMethods.Contains(op.Key)
        select (path.Key, op.Key, op.Value);

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

    /// <summary>The generated class of a component schema (the normalizer renames some).</summary>
    private static string CSharpSchemaName(string component) =>
        SpecNormalizer.ClashingSchemaNames.GetValueOrDefault(component, component);

    /// <summary>"schema X.snake_name" → "X.SnakeName", the C# property our Class.liquid generates; null for anything else.</summary>
    private static string? PropertyName(string subject) =>
        subject.StartsWith("schema ", StringComparison.Ordinal) && subject.Split('.') is [var owner, var wire] && !wire.Contains(' ', StringComparison.Ordinal)
            ? $"{owner["schema ".Length..]}.{string.Concat(wire.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]))}"
            : null;

    private static string MethodName(string path, string method, YamlNode op) =>
        op.Text("operationId") is { } id ? (SpecNormalizer.FastApiOperationName(path, method, id, op.Text("summary")) ?? id) + "Async" : "(no operationId)";

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

            var moved = n.Where(x => !o.ContainsKey(x.Key) && x.Value.Operation.Text("operationId") is { } id && id == old.Operation.Text("operationId")).ToList();
            if (moved.Count == 1)
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
            CompareProvenance($"path {path}", _old.GetPath("paths", path), _new.GetPath("paths", path));
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

        CompareDocs(subject, o, n, ["operationId"]);
        var (os, ns) = (o.Get("security") ?? _old.Get("security"), n.Get("security") ?? _new.Get("security"));
        if (!Yaml.SameValue(os, ns))
        {
            Add(Impact.Breaking, subject, $"security {Flow(os)} → {Flow(ns)}");
        }

        CompareParameters(subject, o, n);
        CompareRequestBody(subject, o.Get("requestBody"), n.Get("requestBody"));
        CompareResponses(subject, o.Get("responses"), n.Get("responses"));
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
                Add(Impact.Breaking, subject, $"{old.Text("in")} parameter renamed: {old.Text("name")} → {np[twins[0]].Text("name")}", gone: old.Text("name"));
                added.Remove(twins[0]);
            }
            else
            {
                Add(Impact.Breaking, subject, $"{key} removed", gone: old.Text("name"));
            }
        }

        foreach (var key in added)
        {
            var required = np[key].Text("required") == "true";
            Add(required ? Impact.Breaking : Impact.NonBreaking, subject,
                $"new {(required ? "required" : "optional")} {key} ({ShapeOf(np[key].Get("schema") ?? new YamlMappingNode(), old: false).Describe()})");
        }

        foreach (var key in op.Keys.Intersect(np.Keys))
        {
            var (was, now) = (op[key].Text("required") == "true", np[key].Text("required") == "true");
            if (was != now)
            {
                Add(now ? Impact.Breaking : Impact.NonBreaking, $"{subject} {key}", now ? "optional → required" : "required → optional");
            }

            CompareDeprecation($"{subject} {key}", op[key], np[key], null);
            CompareDocs($"{subject} {key}", op[key], np[key], ["name", "in", "required", "schema"]);
            if (op[key].Get("schema") is { } os && np[key].Get("schema") is { } ns)
            {
                CompareSchema($"{subject} {key}", os, ns, Direction.Request);
            }
        }
    }

    private void CompareRequestBody(string subject, YamlNode? o, YamlNode? n)
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
            Add(now ? Impact.Breaking : Impact.NonBreaking, $"{subject} request body", now ? "optional → required" : "required → optional");
        }

        CompareDocs($"{subject} request body", o, n, ["content", "required"]);
        CompareContent($"{subject} request body", o.Get("content"), n.Get("content"), Direction.Request);
    }

    private void CompareContent(string subject, YamlNode? o, YamlNode? n, Direction direction)
    {
        foreach (var (type, media) in o.Entries())
        {
            if (n.Get(type) is not { } other)
            {
                Add(Impact.Breaking, subject, $"media type {type} removed");
            }
            else if (media.Get("schema") is { } os && other.Get("schema") is { } ns)
            {
                CompareSchema($"{subject} ({type})", os, ns, direction);
            }
        }

        foreach (var (type, _) in n.Entries().Where(e => o.Get(e.Key) is null))
        {
            Add(direction == Direction.Request ? Impact.NonBreaking : Impact.Changed, subject, $"media type {type} added");
        }
    }

    private void CompareResponses(string subject, YamlNode? o, YamlNode? n)
    {
        foreach (var (status, response) in o.Entries())
        {
            if (n.Get(status) is not { } other)
            {
                var typed = Resolve(response, old: true).Get("content") is not null;
                Add(Impact.Breaking, subject, typed
                    ? $"response {status} removed (the client reads it as a typed result or error today; afterwards a generic CambApiException)"
                    : $"response {status} removed");
                continue;
            }

            var (or, nr) = (Resolve(response, old: true), Resolve(other, old: false));
            CompareDocs($"{subject} response {status}", or, nr, ["content"]);
            CompareContent($"{subject} response {status}", or.Get("content"), nr.Get("content"), Direction.Response);
        }

        foreach (var (status, _) in n.Entries().Where(e => o.Get(e.Key) is null))
        {
            Add(Impact.Changed, subject, $"response {status} documented (the client now maps it instead of a generic CambApiException)");
        }
    }

    // ----- documentation and provenance -----

    private void CompareDocs(string subject, YamlNode? o, YamlNode? n, string[]? alsoIgnore = null)
    {
        foreach (var key in DocKeys)
        {
            if (!Yaml.SameValue(o.Get(key), n.Get(key)))
            {
                Add(Impact.NonBreaking, subject, $"{key} {Excerpt(o.Get(key), n.Get(key))}");
            }
        }

        var extensions = o.Entries().Concat(n.Entries()).Select(e => e.Key)
            .Where(k => k.StartsWith("x-", StringComparison.Ordinal) && !Yaml.IsSourceKey(k) && alsoIgnore?.Contains(k) != true).Distinct();
        foreach (var key in extensions.Where(k => !Yaml.SameValue(o.Get(k), n.Get(k))))
        {
            Add(Impact.NonBreaking, subject, $"extension {key} {Flow(o.Get(key))} → {Flow(n.Get(key))}");
        }
    }

    /// <summary>A part moving between vendor text and ours is worth a reviewer's eye, though callers never see it.</summary>
    private void CompareProvenance(string subject, YamlNode? o, YamlNode? n)
    {
        var (os, ns) = (Kind(o.Source()), Kind(n.Source()));
        if (os != ns && os is not null && ns is not null)
        {
            Add(Impact.NonBreaking, subject, $"provenance {os} → {ns}");
        }

        static string? Kind(string? source) => source?.Split(':', 2)[0];
    }

    /// <summary>Where two texts differ, with a few words of context either side: "…detected foreground audio." → "…".</summary>
    internal static string Excerpt(YamlNode? o, YamlNode? n)
    {
        if (o is not YamlScalarNode || n is not YamlScalarNode)
        {
            return o is null ? "added" : n is null ? "removed" : "changed";
        }

        var (a, b) = (Words(o.Text()!), Words(n.Text()!));
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
        {
            suffix++;
        }

        string Window(string[] words)
        {
            var from = Math.Max(0, prefix - 2);
            var to = Math.Min(words.Length, words.Length - suffix + 2);
            var text = string.Join(' ', words[from..to]);
            if (text.Length > 70)
            {
                text = text[..67] + "...";
            }

            return $"\"{(from > 0 ? "…" : "")}{text}{(to < words.Length ? "…" : "")}\"";
        }

        return $"{Window(a)} → {Window(b)}";

        static string[] Words(string s) => s.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Flow(YamlNode? node) => node switch
    {
        null => "(none)",
        YamlScalarNode s => s.Value ?? "null",
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(Flow)) + "]",
        YamlMappingNode map => "{" + string.Join(", ", map.Entries().Select(e => e.Key + ": " + Flow(e.Value))) + "}",
        _ => "?",
    };
}
