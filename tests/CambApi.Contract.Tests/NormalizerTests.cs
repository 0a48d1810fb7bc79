using CambApi.OpenApiNormalizer;
using YamlDotNet.RepresentationModel;

namespace CambApi.Contract.Tests;

/// <summary>The anyOf rewrite rules, one by one, on small FastAPI-shaped schemas.</summary>
[TestFixture]
public sealed class NormalizerTests
{
    /// <summary>Normalizes a minimal spec whose components.schemas is <paramref name="schemasYaml"/> (indented 4).</summary>
    private static YamlNode NormalizeSchemas(string schemasYaml)
    {
        var spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n" + schemasYaml;
        return WithoutFieldDocs(Normalize(spec));
    }

    /// <summary>Normalizes a whole spec and parses the result.</summary>
    private static YamlNode Normalize(string spec)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(SpecNormalizer.Normalize(spec)));
        return stream.Documents[0].RootNode;
    }

    /// <summary>Drops the descriptions the doc rule adds (its own test checks them), so each rule's test shows only its rule.</summary>
    private static YamlNode WithoutFieldDocs(YamlNode node)
    {
        if (node is YamlMappingNode map)
        {
            if (map.Children.TryGetValue(new YamlScalarNode("description"), out var d) && d is YamlScalarNode { Value: { } text } && text.EndsWith(" in the JSON.", StringComparison.Ordinal) | text.EndsWith(" in the JSON).", StringComparison.Ordinal))
            {
                map.Children.Remove(new YamlScalarNode("description"));
            }

            foreach (var child in map.Children.Values)
            {
                WithoutFieldDocs(child);
            }
        }
        else if (node is YamlSequenceNode sequence)
        {
            foreach (var child in sequence.Children)
            {
                WithoutFieldDocs(child);
            }
        }

        return node;
    }

    [Test]
    public void Fields_without_a_description_are_described_from_title_and_wire_name()
    {
        var spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n" +
                   "    Thing: {type: object, properties: {task_id: {type: string, title: Task Id}, status: {$ref: '#/components/schemas/S'}, url: {type: string, title: U, description: The vendor's words.}}}\n" +
                   "    S: {type: string}\n";
        var properties = Path(Normalize(spec), "components", "schemas", "Thing", "properties");

        Assert.That(Flow(Path(properties, "task_id", "description")), Is.EqualTo("Task Id (task_id in the JSON)."));
        Assert.That(Flow(Path(properties, "status", "description")), Is.EqualTo("status in the JSON."));
        Assert.That(Flow(Path(properties, "url", "description")), Is.EqualTo("The vendor's words."), "a description of the vendor is kept");
    }

    private static YamlMappingNode NormalizeProperty(string propertyYaml) =>
        (YamlMappingNode)Path(NormalizeSchemas($"    Thing:\n      type: object\n      properties:\n        p: {propertyYaml}\n"),
            "components", "schemas", "Thing", "properties", "p");

    private static YamlNode Path(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (n, k) => ((YamlMappingNode)n).Children[new YamlScalarNode(k)]);

    private static string Flow(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value!,
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(Flow)) + "]",
        YamlMappingNode map => "{" + string.Join(", ", map.Children.Select(kv => Flow(kv.Key) + ": " + Flow(kv.Value))) + "}",
        _ => "?",
    };

    [Test]
    public void Optional_primitive_becomes_a_nullable_type_array()
    {
        var p = NormalizeProperty("{anyOf: [{type: integer}, {type: 'null'}], title: Run Id}");
        Assert.That(Flow(p), Is.EqualTo("{title: Run Id, type: [integer, null], format: int64}"));
    }

    [Test]
    public void Optional_primitive_keeps_the_branch_format()
    {
        var p = NormalizeProperty("{anyOf: [{type: string, format: uri}, {type: 'null'}]}");
        Assert.That(Flow(p), Is.EqualTo("{type: [string, null], format: uri}"));
    }

    [Test]
    public void Optional_reference_becomes_a_nullable_oneOf()
    {
        var p = NormalizeProperty("{anyOf: [{$ref: '#/components/schemas/TaskStatus'}, {type: 'null'}]}");
        Assert.That(Flow(p), Is.EqualTo("{oneOf: [{$ref: #/components/schemas/TaskStatus}], nullable: true}"));
    }

    [Test]
    public void Primitive_union_becomes_a_reference_to_a_named_union_schema()
    {
        var root = NormalizeSchemas("    ValidationError:\n      type: object\n      properties:\n        loc: {type: array, items: {anyOf: [{type: string}, {type: integer}]}}\n");

        Assert.That(Flow(Path(root, "components", "schemas", "ValidationError", "properties", "loc", "items")),
            Is.EqualTo("{oneOf: [{$ref: #/components/schemas/StringOrInteger}]}"));
        Assert.That(Flow(Path(root, "components", "schemas", "StringOrInteger")),
            Is.EqualTo("{type: object, title: StringOrInteger, x-camb-primitive-union: [string, integer]}"));
    }

    [Test]
    public void Nullable_primitive_union_is_a_nullable_reference()
    {
        var p = NormalizeProperty("{anyOf: [{type: string}, {type: integer}, {type: 'null'}]}");
        Assert.That(Flow(p), Is.EqualTo("{oneOf: [{$ref: #/components/schemas/StringOrInteger}], nullable: true}"));
    }

    [Test]
    public void Mixed_object_and_primitive_union_becomes_an_unconstrained_value()
    {
        var p = NormalizeProperty("{anyOf: [{type: object}, {type: string}, {type: 'null'}], title: Message}");
        Assert.That(Flow(p), Is.EqualTo("{title: Message}"));
    }

    [Test]
    public void Schemas_without_anyOf_are_left_alone()
    {
        var p = NormalizeProperty("{type: array, items: {type: string}, title: T}");
        Assert.That(Flow(p), Is.EqualTo("{type: array, items: {type: string}, title: T}"));
    }

    [Test]
    public void String_enum_becomes_an_opaque_schema_for_an_extensible_enum()
    {
        var root = NormalizeSchemas("    RunState: {type: string, enum: [SUCCESS, PENDING], title: RunState}\n");

        Assert.That(Flow(Path(root, "components", "schemas", "RunState")),
            Is.EqualTo("{type: object, title: RunState, x-camb-extensible-enum: [SUCCESS, PENDING]}"));
    }

    [Test]
    public void A_schema_named_like_a_bcl_type_is_renamed_with_its_references()
    {
        var root = NormalizeSchemas("    TaskStatus: {type: string, enum: [SUCCESS], title: TaskStatus}\n" +
                                    "    Result: {type: object, properties: {status: {$ref: '#/components/schemas/TaskStatus'}}}\n");

        var schemas = (YamlMappingNode)Path(root, "components", "schemas");
        Assert.That(schemas.Children.Keys.Select(Flow), Is.EquivalentTo(new[] { "SeparationStatus", "Result" }));
        Assert.That(Flow(Path(schemas, "SeparationStatus", "title")), Is.EqualTo("SeparationStatus"));
        Assert.That(Flow(Path(schemas, "Result", "properties", "status")), Is.EqualTo("{$ref: #/components/schemas/SeparationStatus}"));
    }

    [Test]
    public void FastApi_form_body_gets_the_method_name_and_parameters_get_camel_case_csharp_names()
    {
        const string id = "create_audio_separation_audio_separation_post";
        var spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n" +
                   "paths:\n  /audio-separation:\n    post:\n      operationId: " + id + "\n" +
                   "      parameters:\n        - {name: run_id, in: query, schema: {type: integer}}\n        - {name: traceparent, in: header, schema: {type: string}}\n" +
                   "        - {name: x-request-id, in: header, schema: {type: string}}\n" +
                   "      requestBody: {content: {multipart/form-data: {schema: {$ref: '#/components/schemas/Body_" + id + "'}}}}\n" +
                   "components:\n  schemas:\n    Body_" + id + ": {type: object, title: Body_" + id + ", properties: {media_file: {type: string}}}\n";
        var root = Normalize(spec);

        var operation = Path(root, "paths", "/audio-separation", "post");
        Assert.That(Flow(Path(operation, "requestBody")), Is.EqualTo("{content: {multipart/form-data: {schema: {$ref: #/components/schemas/CreateAudioSeparationRequest}}}}"));
        Assert.That(Flow(Path(root, "components", "schemas", "CreateAudioSeparationRequest", "title")), Is.EqualTo("CreateAudioSeparationRequest"));
        var parameters = ((YamlSequenceNode)Path(operation, "parameters")).Children;
        Assert.That(Flow(parameters[0]), Is.EqualTo("{name: run_id, in: query, schema: {type: integer, format: int64}, x-originalName: runId}"), "the wire name stays");
        Assert.That(Flow(parameters[1]), Does.Not.Contain("x-originalName"), "a name of one word is left alone");
        Assert.That(Flow(parameters[2]), Does.EndWith("x-originalName: xRequestId}"), "a hyphenated header name too becomes one C# word");
        Assert.That(SpecNormalizer.RenamedSchemas(spec), Does.ContainKey("Body_" + id).WithValue("CreateAudioSeparationRequest"));
    }

    [TestCase("{type: integer}", "{type: integer, format: int64}")]
    [TestCase("{type: integer, title: Run ID}", "{type: integer, title: Run ID, format: int64}")]
    [TestCase("{type: integer, format: int32}", "{type: integer, format: int32}")]
    [TestCase("{type: array, items: {type: integer}}", "{type: array, items: {type: integer, format: int64}}")]
    [TestCase("{anyOf: [{type: integer}, {type: 'null'}]}", "{type: [integer, null], format: int64}")]
    [TestCase("{type: number}", "{type: number}")]
    public void Integers_without_a_format_are_64_bit(string property, string expected) =>
        Assert.That(Flow(NormalizeProperty(property)), Is.EqualTo(expected));

    [Test]
    public void A_named_integer_schema_and_a_parameter_are_64_bit_too()
    {
        var spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n" +
                   "paths:\n  /r/{run_id}:\n    get:\n      parameters:\n        - {name: run_id, in: path, required: true, schema: {type: integer}}\n" +
                   "components:\n  schemas:\n    RunIDParam: {type: integer, title: Run ID}\n";
        var root = Normalize(spec);

        Assert.That(Flow(Path(root, "components", "schemas", "RunIDParam")), Is.EqualTo("{type: integer, title: Run ID, format: int64}"));
        var parameter = ((YamlSequenceNode)Path(root, "paths", "/r/{run_id}", "get", "parameters")).Children[0];
        Assert.That(Flow(Path(parameter, "schema")), Is.EqualTo("{type: integer, format: int64}"));
    }

    [TestCase("/audio-separation-result/{run_id}", "get", "get_audio_separation_run_info_audio_separation_result__run_id__get", null, "GetAudioSeparationRunInfo")]
    [TestCase("/audio-separation", "post", "create_audio_separation_audio_separation_post", null, "CreateAudioSeparation")]
    [TestCase("/audio-separation/{task_id}", "get", "get_audio_separation_status_audio_separation__task_id__get", null, "GetAudioSeparationStatus")]
    [TestCase("/x", "get", "customName", "Custom Name", null)]
    [TestCase("/v2/audio-separation-result/{run_id}", "get", "get_audio_separation_run_info_audio_separation_result__run_id__get", "Get Audio Separation Run Info", "GetAudioSeparationRunInfo")]
    [TestCase("/v2/audio-separation-result/{run_id}", "get", "get_audio_separation_run_info_audio_separation_result__run_id__get", "Run info", null)]
    [TestCase("/v2/audio-separation-result/{run_id}", "get", "get_audio_separation_run_info_audio_separation_result__run_id__get", "Get Audio Separation Run Info Audio Separation Result Run Id Get", null)]
    public void FastApi_operation_ids_become_method_names(string path, string method, string operationId, string? summary, string? expected) =>
        Assert.That(SpecNormalizer.FastApiOperationName(path, method, operationId, summary), Is.EqualTo(expected));

    /// <summary>The vendor moves the operation and keeps its id: the same method name, from the id and FastAPI's summary.</summary>
    [Test]
    public void A_moved_operation_keeps_its_method_name()
    {
        static string Method(string path) => Flow(Path(Normalize(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  " + path + ":\n    get:\n      summary: Get Audio Separation Run Info\n" +
            "      operationId: get_audio_separation_run_info_audio_separation_result__run_id__get\n      responses: {'200': {description: ok}}\n"),
            "paths", path, "get", "operationId"));

        Assert.That(Method("/v2/audio-separation-result/{run_id}"), Is.EqualTo(Method("/audio-separation-result/{run_id}")).And.EqualTo("GetAudioSeparationRunInfo"));
    }

    /// <summary>
    /// An inline body would be NSwag's <c>Response</c> (CS0104 next to WireMock's, and in any consumer with another
    /// <c>Response</c>); it is named after its operation and status, and its inline parts after their place.
    /// </summary>
    [Test]
    public void Inline_object_schemas_are_named_after_their_place()
    {
        var spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n" +
                   "paths:\n  /r/{run_id}:\n    get:\n      operationId: get_run_r__run_id__get\n      responses:\n" +
                   "        '200': {description: ok, content: {application/json: {schema: {type: array, items: {type: object, properties: {id: {type: string}}}}}}}\n" +
                   "        '404': {description: none, content: {application/json: {schema: {type: object, required: [detail], properties: {detail: {type: string}, where: {type: object, properties: {path: {type: string}}}}}}}}\n" +
                   "        '422': {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}\n" +
                   "components:\n  schemas:\n    E: {type: object, title: E, properties: {ctx: {type: object, title: Context, properties: {limit: {type: integer}}}, any: {type: object, title: Any}}}\n";
        var root = WithoutFieldDocs(Normalize(spec));

        var responses = Path(root, "paths", "/r/{run_id}", "get", "responses");
        Assert.That(Flow(Path(responses, "404", "content", "application/json", "schema")), Is.EqualTo("{$ref: #/components/schemas/GetRunNotFoundBody}"));
        Assert.That(Flow(Path(responses, "200", "content", "application/json", "schema")), Is.EqualTo("{type: array, items: {$ref: #/components/schemas/GetRunOkBodyItem}}"));
        Assert.That(Flow(Path(responses, "422", "content", "application/json", "schema")), Is.EqualTo("{$ref: #/components/schemas/E}"), "a reference stays");
        var schemas = (YamlMappingNode)Path(root, "components", "schemas");
        Assert.That(schemas.Children.Keys.Select(Flow), Is.EquivalentTo(new[] { "E", "ECtx", "GetRunOkBodyItem", "GetRunNotFoundBody", "GetRunNotFoundBodyWhere" }));
        Assert.That(Flow(Path(schemas, "GetRunNotFoundBody")), Is.EqualTo(
            "{type: object, required: [detail], properties: {detail: {type: string}, where: {$ref: #/components/schemas/GetRunNotFoundBodyWhere}}, title: GetRunNotFoundBody, " +
            "description: The body of the 404 answer to GetRunAsync (none).}"));
        Assert.That(Flow(Path(schemas, "E", "properties", "any")), Is.EqualTo("{type: object, title: Any}"), "an object without properties is no class; left alone");
        var again = SpecNormalizer.Normalize(spec);
        Assert.That(again, Is.EqualTo(SpecNormalizer.Normalize(spec)), "the same names on every run");
    }

    [TestCase("404", "NotFound")]
    [TestCase("200", "Ok")]
    [TestCase("429", "TooManyRequests")]
    [TestCase("4XX", "ClientError")]
    [TestCase("default", "Default")]
    [TestCase("599", "Status599")]
    public void Status_codes_become_words(string status, string expected) =>
        Assert.That(SpecNormalizer.StatusName(status), Is.EqualTo(expected));

    /// <summary>The vendor's deprecations reach consumers with a message: what is deprecated, and the vendor's words when it says why.</summary>
    [Test]
    public void Deprecations_get_a_message_for_the_obsolete_attribute()
    {
        var spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n" +
                   "paths:\n  /r:\n    get:\n      deprecated: true\n      description: Deprecated, use POST /rs instead.\n      responses: {'200': {description: ok}}\n" +
                   "    post:\n      deprecated: false\n      responses: {'200': {description: ok}}\n" +
                   "components:\n  schemas:\n    Old: {type: object, deprecated: true, properties: {url: {type: string, deprecated: true, description: The URL.}}}\n";
        var root = Normalize(spec);

        Assert.That(Flow(Path(root, "paths", "/r", "get", "x-deprecatedMessage")), Is.EqualTo("CAMB.AI has deprecated GET /r. Deprecated, use POST /rs instead."));
        Assert.That(((YamlMappingNode)Path(root, "paths", "/r", "post")).Children, Does.Not.ContainKey(new YamlScalarNode("x-deprecatedMessage")));
        Assert.That(Flow(Path(root, "components", "schemas", "Old", "x-deprecatedMessage")), Is.EqualTo("CAMB.AI has deprecated Old."));
        Assert.That(Flow(Path(root, "components", "schemas", "Old", "properties", "url", "x-deprecatedMessage")), Is.EqualTo("CAMB.AI has deprecated the field url of Old."),
            "a description that does not speak of the deprecation is not quoted");
    }

    [Test]
    public void Output_is_deterministic()
    {
        var spec = File.ReadAllText(VendorSpec.Path);
        var first = SpecNormalizer.Normalize(spec);
        var second = SpecNormalizer.Normalize(spec);
        Assert.That(second, Is.EqualTo(first));
    }
}
