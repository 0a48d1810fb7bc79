using CambApi.OpenApiNormalizer;
using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>
/// Schemas, in the direction they are used. In a request, what callers may send decides (a new requirement or a tighter
/// limit breaks them); in an answer, what callers may receive, read tolerantly: a field the vendor now promises breaks
/// nobody, one that may now be absent or null breaks callers whose C# type said it never was. Numbers in answers are
/// generated nullable whatever the spec promises (the normalizer), so their optionality never changes a C# type.
/// </summary>
internal sealed partial class SpecDiff
{
    /// <summary>Upper limits: lowering or adding one refuses values callers could send before.</summary>
    private static readonly string[] UpperLimits = ["maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties"];

    /// <summary>Lower limits: raising or adding one refuses values callers could send before.</summary>
    private static readonly string[] LowerLimits = ["minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties"];

    /// <summary>Other restrictions: adding or changing one may refuse what callers send (a pattern's language is not compared).</summary>
    private static readonly string[] Restrictions = ["pattern", "multipleOf", "uniqueItems", "const"];

    /// <summary>
    /// Formats NSwag 14 maps to a C# type of their own (date-time → DateTimeOffset, uri → Uri, ...): changing to or from
    /// one changes the generated type. Any other format leaves a string a string.
    /// </summary>
    private static readonly HashSet<string> TypedFormats = new(StringComparer.Ordinal)
    {
        "date-time", "date", "time", "duration", "time-span", "uri", "uuid", "guid", "byte", "binary", "int32", "int64", "float", "double", "decimal",
    };

    private static readonly string[] SchemaKeys =
    [
        "type", "format", "nullable", "enum", "default", "properties", "required", "items", "additionalProperties",
        "anyOf", "oneOf", "allOf", "deprecated", "$ref", .. UpperLimits, .. LowerLimits, .. Restrictions,
    ];

    /// <summary>Enum components whose unknown values the hand-written layer handles in a way worth saying next to a new value.</summary>
    private static readonly Dictionary<string, string> UnknownEnumValue = new(StringComparer.Ordinal)
    {
        ["TaskStatus"] = "the client keeps a status it does not know and treats it as not finished (polls on until MaxWait); if it is final, add it to SeparationStatus.IsTerminal",
    };

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

        /// <summary>Generated as a C# value type (long, double, bool, a struct enum): its nullability is its C# type.</summary>
        public bool IsValueType => Type is "integer" or "number" or "boolean" || IsEnum;

        public bool IsEnum { get; init; }
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

            return new Shape(old && _renamedSchemas.TryGetValue(name, out var renamed) ? renamed : name, false, null, name) { IsEnum = target.Get("enum") is not null };
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

        return new Shape(type, nullable, schema.Text("format"), null) { IsEnum = schema.Get("enum") is not null && type == "string" };
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

    /// <param name="optional">A field or parameter callers may leave out (its null is left out of a request).</param>
    private void CompareSchema(string subject, YamlNode o, YamlNode n, Direction direction, string? component = null, bool optional = false)
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
            CompareNullability(subject, os, ns, direction, optional);
        }

        if (os.Format != ns.Format)
        {
            var typed = (os.Format is not null && TypedFormats.Contains(os.Format)) || (ns.Format is not null && TypedFormats.Contains(ns.Format));
            Add(typed ? Impact.Breaking : Impact.Changed, subject, typed
                ? $"format {os.Format ?? "(none)"} → {ns.Format ?? "(none)"} (the generated type follows the format)"
                : $"format {os.Format ?? "(none)"} → {ns.Format ?? "(none)"} (the generated type stays {os.Type}; the values may look different)");
        }

        CompareEnum(subject, o, n, direction, component);
        if (!Yaml.SameValue(o.Get("default"), n.Get("default")))
        {
            Add(Impact.Changed, subject, $"default {Flow(o.Get("default"))} → {Flow(n.Get("default"))}");
        }

        CompareLimits(subject, o, n, direction);
        if (!Yaml.SameValue(o.Get("additionalProperties"), n.Get("additionalProperties")) &&
            (o.Get("additionalProperties") is null or YamlScalarNode) && (n.Get("additionalProperties") is null or YamlScalarNode))
        {
            Add(Impact.NonBreaking, subject, $"additionalProperties {Flow(o.Get("additionalProperties"))} → {Flow(n.Get("additionalProperties"))} (the client sends only declared fields and keeps undeclared ones it reads)");
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
                // Each branch against its counterpart: a limit or a format inside Optional[X]'s X is still a limit.
                for (var i = 0; i < ob.Count; i++)
                {
                    CompareSchema($"{subject} ({key}[{i}])", ob[i], nb[i], direction, optional: optional);
                }
            }
            else if (key == "allOf" || ShapeOf(o, old: true).Describe() == ShapeOf(n, old: false).Describe())
            {
                // A composition the shape does not capture (allOf, or branches that describe the same types).
                Add(Impact.Unclassified, subject, $"{key}: {ob.Count} → {nb.Count} branches: not a change the spec tools classify; read it by hand");
            }
        }

        CompareUnknownKeys(subject, o, n, SchemaKeys);
    }

    /// <summary>
    /// Null in a request: callers that send null break when it is refused (a null optional field is left out, so only a
    /// required one). Null in an answer: a reference type becomes nullable in C# (callers that dereference it fail to
    /// build and may meet null); a value type's C# type is already nullable in answers, so it only behaves differently.
    /// </summary>
    private void CompareNullability(string subject, Shape os, Shape ns, Direction direction, bool optional)
    {
        var detail = ns.Nullable ? $"may now be null ({os.Describe()} → {ns.Describe()})"
            : optional && direction == Direction.Request ? $"no longer null ({os.Describe()} → {ns.Describe()}; the client leaves a null optional value out of a request)"
            : $"no longer null ({os.Describe()} → {ns.Describe()})";
        var inRequest = ns.Nullable || optional ? Impact.NonBreaking : Impact.Breaking;
        var inResponse = !ns.Nullable ? Impact.NonBreaking : os.IsValueType && !os.IsEnum ? Impact.Changed : Impact.Breaking;
        Add(Worst(direction, inRequest, inResponse), subject, detail);
    }

    /// <summary>Limits in the direction they bind: tighter ones refuse what callers send; in answers the client checks none.</summary>
    private void CompareLimits(string subject, YamlNode o, YamlNode n, Direction direction)
    {
        foreach (var key in UpperLimits.Concat(LowerLimits).Concat(Restrictions).Where(k => !Yaml.SameValue(o.Get(k), n.Get(k))))
        {
            var (was, now) = (o.Text(key), n.Text(key));
            var tighter = key switch
            {
                _ when UpperLimits.Contains(key) => was is null || (now is not null && Number(now) < Number(was)),
                _ when LowerLimits.Contains(key) => was is null || (now is not null && Number(now) > Number(was)),
                _ => now is not null, // a restriction added or changed: may refuse what passed before
            };
            var inRequest = tighter ? Impact.Breaking : Impact.NonBreaking;
            var inResponse = tighter ? Impact.NonBreaking : Impact.Changed;
            var why = Worst(direction, inRequest, inResponse) switch
            {
                Impact.Breaking => "values callers could send before may be refused",
                Impact.Changed => "answers may hold values outside the old limit; the client checks none",
                _ => tighter ? "answers are held to more; the client checks none" : "more values are accepted",
            };
            Add(Worst(direction, inRequest, inResponse), subject, $"{key} {Flow(o.Get(key))} → {Flow(n.Get(key))} ({why})");
        }

        static double Number(string text) =>
            double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
    }

    private void CompareEnum(string subject, YamlNode o, YamlNode n, Direction direction, string? component)
    {
        var ov = o.Get("enum").Items().Select(Flow).ToList();
        var nv = n.Get("enum").Items().Select(Flow).ToList();
        foreach (var value in ov.Except(nv))
        {
            // A value an answer no longer carries breaks no caller; a value callers may no longer send does.
            Add(Worst(direction, Impact.Breaking, Impact.Changed), subject, direction == Direction.Response
                ? $"enum value {value} removed (answers no longer carry it; code that handles it keeps compiling where the enum is hand-written)"
                : $"enum value {value} removed");
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
            var valueType = ShapeOf(np[name], old: false) is { IsValueType: true, IsEnum: false };
            if (was && !now)
            {
                // In an answer: a reference type turns nullable in C#; numbers are nullable in answers already.
                Add(Worst(direction, Impact.NonBreaking, valueType ? Impact.Changed : Impact.Breaking), path,
                    direction == Direction.Request ? "required → optional"
                    : valueType ? "required → optional (may now be absent: null; its C# type is nullable already)"
                    : "required → optional (may now be absent: null where callers never saw null)");
            }
            else if (!was && now)
            {
                var enumType = ShapeOf(np[name], old: false).IsEnum;
                Add(Worst(direction, Impact.Breaking, enumType ? Impact.Breaking : Impact.NonBreaking), path,
                    direction == Direction.Request ? "optional → required (callers that leave it out now fail)"
                    : enumType ? "optional → required (the vendor now promises it; its C# type loses its '?': code using .Value or ?? on it must change)"
                    : "optional → required (the vendor now promises it; an answer without it still reads, as null, with a drift warning)");
            }

            CompareSchema(path, op[name], np[name], direction, optional: !nreq.Contains(name));
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
}
