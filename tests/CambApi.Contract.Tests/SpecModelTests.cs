using System.Reflection;
using System.Runtime.Serialization;
using CambApi.Client;
using CambApi.OpenApiNormalizer;
using Microsoft.OpenApi;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace CambApi.Contract.Tests;

/// <summary>
/// Reads openapi/camb-api.yaml itself and checks that every schema, property, type, required-ness,
/// parameter and documented response has its counterpart in the generated client. A spec edit that the
/// generator drops or mangles fails here, naming the schema and property.
/// </summary>
[TestFixture]
public sealed class SpecModelTests
{
    /// <summary>Responses the client knows how to handle; a new documented status must be taught here first.</summary>
    private static IEnumerable<TestCaseData> ObjectSchemas() =>
        VendorSpec.Document.Components!.Schemas!
            .Where(s => s.Value.Properties is { Count: > 0 })
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new TestCaseData(s.Key).SetArgDisplayNames(s.Key));

    private static IEnumerable<TestCaseData> EnumSchemas() =>
        VendorSpec.Document.Components!.Schemas!
            .Where(s => s.Value.Enum is { Count: > 0 })
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new TestCaseData(s.Key).SetArgDisplayNames(s.Key));

    private static IEnumerable<TestCaseData> Operations() =>
        VendorSpec.Operations().Select(o =>
            new TestCaseData(o.Path, o.Method.Method).SetArgDisplayNames($"{o.Method.Method} {o.Path}"));

    [Test]
    public void Spec_has_operations_and_schemas_to_check()
    {
        // Guards the test sources below against silently yielding nothing (a spec that fails to load as empty).
        Assert.That(Operations().Count(), Is.GreaterThan(0), "no operations read from the spec");
        Assert.That(ObjectSchemas().Count(), Is.GreaterThan(0), "no object schemas read from the spec");
    }

    [TestCaseSource(nameof(ObjectSchemas))]
    public void Object_schema_matches_the_generated_json_contract(string schemaName)
    {
        var schema = VendorSpec.Document.Components!.Schemas![schemaName];
        var type = SpecTypeMap.ClientType(schemaName);
        Assert.That(type, Is.Not.Null, $"Schema '{schemaName}': no generated type CambApi.Client.{schemaName}.");

        var contract = (JsonObjectContract)new DefaultContractResolver().ResolveContract(type!);
        var required = schema.Required ?? new HashSet<string>();
        var problems = new List<string>();

        foreach (var (name, propertySchema) in schema.Properties!)
        {
            var property = contract.Properties.GetClosestMatchProperty(name);
            if (property is null || property.PropertyName != name)
            {
                problems.Add($"Schema '{schemaName}' property '{name}': no JSON property '{name}' on {type!.Name}.");
                continue;
            }

            var expected = SpecTypeMap.For(propertySchema);
            var actual = SpecTypeMap.StripNullable(property.PropertyType!);
            if (!expected.Accepts(actual))
            {
                problems.Add($"Schema '{schemaName}' property '{name}': spec type is {expected.Describe}, generated is {property.PropertyType}.");
            }

            var isRequired = required.Contains(name);
            var modelRequired = property.Required is Required.Always or Required.AllowNull;
            if (isRequired != modelRequired)
            {
                problems.Add($"Schema '{schemaName}' property '{name}': spec says {(isRequired ? "required" : "optional")}, generated contract says Required.{property.Required}.");
            }

            if (isRequired && !expected.Nullable && SpecSamples.IsAnswerNumber(schemaName, name))
            {
                // Answers are read tolerantly: a promised number or boolean is nullable in C# by design (the normalizer's rule).
                if (property.Required != Required.AllowNull || Nullable.GetUnderlyingType(property.PropertyType!) is null)
                {
                    problems.Add($"Schema '{schemaName}' property '{name}': a promised number in an answer must be generated nullable (Required.AllowNull, T?); it is Required.{property.Required}, {property.PropertyType}.");
                }
            }
            else if (isRequired && !expected.Nullable && property.Required != Required.Always)
            {
                problems.Add($"Schema '{schemaName}' property '{name}': required and not nullable, but the generated contract accepts null (Required.{property.Required}).");
            }
        }

        foreach (var property in contract.Properties.Where(p => !p.Ignored))
        {
            if (!schema.Properties!.ContainsKey(property.PropertyName!))
            {
                problems.Add($"Schema '{schemaName}': generated {type!.Name} has JSON property '{property.PropertyName}' that the spec does not define.");
            }
        }

        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    [TestCaseSource(nameof(EnumSchemas))]
    public void Enum_schema_matches_the_generated_enum(string schemaName)
    {
        var schema = VendorSpec.Document.Components!.Schemas![schemaName];
        var type = SpecTypeMap.ClientType(schemaName);
        Assert.That(type is { IsEnum: true } || type is { IsValueType: true }, $"Schema '{schemaName}': no enum or extensible-enum struct CambApi.Client.{schemaName}.");

        var specValues = schema.Enum!.Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        if (type!.IsEnum)
        {
            // A closed C# enum throws on a value it lacks: it must hold exactly the spec's.
            var members = type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name);
            Assert.That(members.Order(StringComparer.Ordinal), Is.EqualTo(specValues), $"Schema '{schemaName}': enum values differ.");
            return;
        }

        // An extensible enum names no value the vendor does not list, and keeps every value the vendor lists, named or
        // not: a value the vendor adds is a CHANGED line in the update report, not a red suite.
        Assert.That(ExtensibleEnumValues(type).Except(specValues), Is.Empty, $"Schema '{schemaName}': the hand-written type names values the spec does not list.");
        var json = Newtonsoft.Json.JsonConvert.SerializeObject(specValues);
        var read = Newtonsoft.Json.JsonConvert.DeserializeObject(json, typeof(List<>).MakeGenericType(type)) as System.Collections.IEnumerable;
        Assert.That(read!.Cast<object>().Select(v => v.ToString()), Is.EqualTo(specValues), $"Schema '{schemaName}': a listed value does not survive a read.");
    }

    [TestCaseSource(nameof(Operations))]
    public void Operation_has_a_generated_method_with_matching_parameters_and_return_type(string path, string method)
    {
        var operation = Operation(path, method);
        var clientMethod = ClientMethod(path, method, operation);
        var problems = new List<string>();
        var parameters = clientMethod.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).ToList();

        var expectedParameters = new List<(string Name, IOpenApiSchema Schema, bool Required)>();
        foreach (var parameter in operation.Parameters ?? [])
        {
            // The C# name comes from the normalizer's x-originalName (run_id → runId); the wire name is checked by RequestConformanceTests.
            expectedParameters.Add((SpecNormalizer.CamelCase(parameter.Name!), parameter.Schema!, parameter.Required));
        }

        if (operation.RequestBody is { Content: { } content })
        {
            // The one NSwag generates for: a form if there is one, else JSON, else the first.
            var (mediaType, media) = content.OrderBy(c => c.Key == "multipart/form-data" ? 0 : c.Key == "application/json" ? 1 : 2).First();
            if (mediaType == "multipart/form-data")
            {
                var form = Resolve(media.Schema!);
                foreach (var (name, schema) in form.Properties!)
                {
                    // NSwag names form fields' C# parameters from the body schema's property names, with no hook: they stay snake_case.
                    expectedParameters.Add((name, schema, form.Required?.Contains(name) == true));
                }
            }
            else
            {
                expectedParameters.Add(("body", media.Schema!, operation.RequestBody.Required));
            }
        }

        foreach (var (name, schema, required) in expectedParameters)
        {
            var parameter = parameters.SingleOrDefault(p => p.Name == name);
            if (parameter is null)
            {
                problems.Add($"{method} {path}: parameter '{name}' has no counterpart on {clientMethod.Name}.");
                continue;
            }

            var expected = SpecTypeMap.For(schema);
            if (!expected.Accepts(SpecTypeMap.StripNullable(parameter.ParameterType)))
            {
                problems.Add($"{method} {path}: parameter '{name}' is {expected.Describe} in the spec, {parameter.ParameterType} in {clientMethod.Name}.");
            }

            if (required && parameter.HasDefaultValue && !ThrowsWhenNull(clientMethod, parameter))
            {
                problems.Add($"{method} {path}: parameter '{name}' is required in the spec but {clientMethod.Name} accepts null without complaint.");
            }
            else if (!required && !parameter.HasDefaultValue)
            {
                problems.Add($"{method} {path}: parameter '{name}' is {(required ? "required" : "optional")} in the spec but {(parameter.HasDefaultValue ? "optional" : "required")} in {clientMethod.Name}.");
            }
        }

        foreach (var extra in parameters.Where(p => expectedParameters.All(e => e.Name != p.Name)))
        {
            problems.Add($"{method} {path}: {clientMethod.Name} has parameter '{extra.Name}' that the spec does not define.");
        }

        var ok = operation.Responses!["200"].Content!["application/json"].Schema!;
        var returned = clientMethod.ReturnType.GetGenericArguments().Single();
        var expectedReturn = SpecTypeMap.For(ok);
        if (!expectedReturn.Accepts(returned))
        {
            problems.Add($"{method} {path}: the 200 response is {expectedReturn.Describe} in the spec, {clientMethod.Name} returns {returned}.");
        }

        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    [TestCaseSource(nameof(Operations))]
    public void Every_documented_answer_has_its_generated_type(string path, string method)
    {
        var operation = Operation(path, method);
        Assert.That(operation.Responses!.Keys, Does.Contain("200").And.Contain("422"), $"{method} {path}: 200 and 422 must both be documented.");
        foreach (var status in operation.Responses.Keys.Where(s => s != "200"))
        {
            // NSwag throws CambApiException<T> for a documented status with a body; T must be a type we named.
            Assert.That(JsonBody(operation, status) is null || ErrorBodyType(path, method, status) is not null,
                $"{method} {path}: response {status} has no generated type (expected {ExpectedErrorBodyName(path, method, status)}).");
        }

        Assert.That(ErrorBodyType(path, method, "422"), Is.EqualTo(typeof(HTTPValidationError)), $"{method} {path}: a 422 is FastAPI's HTTPValidationError.");
    }

    /// <summary>
    /// The type <c>CambApiException&lt;T&gt;</c> carries for a documented <paramref name="status"/> of an operation: the
    /// referenced schema's class, or the normalizer's name for an inline body; null when the status is not documented.
    /// </summary>
    internal static Type? ErrorBodyType(string path, string method, string status)
    {
        var operation = Operation(path, method);
        if (JsonBody(operation, status) is not { } schema)
        {
            return null;
        }

        return schema is OpenApiSchemaReference reference
            ? SpecTypeMap.ClientType(reference.Reference.Id!)
            : typeof(CambApiRestClient).Assembly.GetType($"CambApi.Client.{ExpectedErrorBodyName(path, method, status)}");
    }

    private static IOpenApiSchema? JsonBody(OpenApiOperation operation, string status) =>
        operation.Responses is { } responses && responses.TryGetValue(status, out var response) &&
        response.Content is { } content && content.TryGetValue("application/json", out var media) ? media.Schema : null;

    private static string ExpectedErrorBodyName(string path, string method, string status) =>
        SpecNormalizer.InlineBodyName(ClientMethod(path, method, Operation(path, method)).Name[..^"Async".Length], status);

    /// <summary>
    /// The one credential the client sends: an API key in the header <see cref="ApiKey.HeaderName"/>. Whatever the vendor
    /// calls its schemes, and whatever alternatives it adds, each operation must still be callable with it. A requirement
    /// list is OR of ANDs: no list, an empty list or an empty alternative needs nothing; otherwise some alternative must be
    /// made only of schemes the key meets.
    /// </summary>
    [TestCaseSource(nameof(Operations))]
    public void The_api_key_meets_a_security_alternative_of_every_operation(string path, string method)
    {
        var operation = Operation(path, method);
        var alternatives = (operation.Security ?? VendorSpec.Document.Security ?? []).ToList();
        var met = alternatives.Count == 0 || alternatives.Any(a => a.Keys.All(IsTheApiKey));
        Assert.That(met, Is.True, $"{method} {path}: no alternative can be met with the API key in '{ApiKey.HeaderName}' " +
            $"({string.Join(" OR ", alternatives.Select(a => "{" + string.Join(" AND ", a.Keys.Select(Describe)) + "}"))})");
    }

    private static bool IsTheApiKey(OpenApiSecuritySchemeReference scheme) =>
        scheme.Type == SecuritySchemeType.ApiKey && scheme.In == ParameterLocation.Header &&
        string.Equals(scheme.Name, ApiKey.HeaderName, StringComparison.OrdinalIgnoreCase); // header names are case-insensitive

    private static string Describe(OpenApiSecuritySchemeReference scheme) =>
        $"{scheme.Reference.Id}: {scheme.Type} {(scheme.Type == SecuritySchemeType.ApiKey ? $"in {scheme.In} '{scheme.Name}'" : scheme.Scheme)}";

    [Test]
    public void Default_base_address_is_the_spec_server()
    {
        var server = VendorSpec.Document.Servers![0].Url!;
        Assert.That(CambApiRestClient.DefaultBaseAddress.AbsoluteUri.TrimEnd('/'), Is.EqualTo(server.TrimEnd('/')));
    }

    /// <summary>The wire values of an extensible enum: its public static properties of its own type.</summary>
    private static IEnumerable<string> ExtensibleEnumValues(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Where(p => p.PropertyType == type)
            .Select(p => p.GetValue(null)!.ToString()!);

    internal static OpenApiOperation Operation(string path, string method) =>
        VendorSpec.Document.Paths[path].Operations![new HttpMethod(method)];

    internal static MethodInfo ClientMethod(string path, string method, OpenApiOperation operation)
    {
        var name = (SpecNormalizer.FastApiOperationName(path, method, operation.OperationId!, operation.Summary) ?? operation.OperationId) + "Async";
        var candidates = typeof(CambApiRestClient).GetMethods().Where(m => m.Name == name).ToList();
        Assert.That(candidates, Has.Count.EqualTo(1), $"{method} {path}: expected one generated method {name} on CambApiRestClient.");
        return candidates[0];
    }

    /// <summary>
    /// NSwag must give a required multipart part a <c>= null</c> default when optional parameters precede it;
    /// that is acceptable only if the method then refuses null before sending anything.
    /// </summary>
    private static bool ThrowsWhenNull(MethodInfo method, ParameterInfo parameter)
    {
        if (parameter.ParameterType.IsValueType)
        {
            return false;
        }

        var client = new CambApiRestClient(new HttpClient(new RefusingHandler()) { BaseAddress = new Uri("http://127.0.0.1:9/") });
        var args = method.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue : Placeholder(p.ParameterType)).ToArray();
        args[parameter.Position] = null;
        try
        {
            ((Task)method.Invoke(client, args)!).GetAwaiter().GetResult();
            return false;
        }
        catch (ArgumentNullException e) when (e.ParamName == parameter.Name)
        {
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static object? Placeholder(Type type) =>
        type == typeof(string) ? "x" : type.IsValueType ? Activator.CreateInstance(type) : null;

    /// <summary>Fails any request: the checks above must not reach the network.</summary>
    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a request was sent");
    }

    private static IOpenApiSchema Resolve(IOpenApiSchema schema) =>
        schema is OpenApiSchemaReference r ? VendorSpec.Document.Components!.Schemas![r.Reference.Id!] : schema;
}
