using System.Reflection;
using CambApi.Client;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Contract.Tests;

/// <summary>
/// Answers are read tolerantly, requests written strictly. Which fields are required or nullable is the vendor's text,
/// read from openapi/ (<see cref="SpecSamples"/>): what these tests pin is our rule — an answer that breaks a promise
/// still yields its model, the field null or default, and the broken promise is named; one that keeps its promises names
/// nothing; a request that leaves out what the spec requires is refused before it is sent.
/// </summary>
[TestFixture]
public sealed class TolerantReadingTests : ApiStubFixture
{
    private static readonly MethodInfo ReadMethod = typeof(TolerantReadingTests).GetMethod(nameof(Read), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static IEnumerable<string> ResponseSchemas() => SpecSamples.ResponseSchemas();

    public static IEnumerable<string> JsonRequestSchemas() => SpecSamples.JsonRequestSchemas();

    /// <summary>Parses <paramref name="body"/> as the client reads an answer of schema <paramref name="schema"/>.</summary>
    private static (object? Model, IReadOnlyList<string> Broken) ReadAs(string schema, JToken body)
    {
        var type = SpecTypeMap.ClientType(schema) ?? throw new AssertionException($"no generated type for schema {schema}");
        var model = ReadMethod.MakeGenericMethod(type).Invoke(null, [body.ToString(Formatting.None)]);
        return (model, TolerantReading.BrokenPromises(model));
    }

    private static T? Read<T>(string json) => AnswerReader.Read<T>(json);

    [TestCaseSource(nameof(ResponseSchemas))]
    public void An_answer_that_keeps_every_promise_names_none(string schema)
    {
        var (model, broken) = ReadAs(schema, SpecSamples.Sample(SpecSamples.Schema(schema)));

        Assert.That(model, Is.Not.Null);
        Assert.That(broken, Is.Empty);
    }

    [TestCaseSource(nameof(ResponseSchemas))]
    public void A_field_left_out_still_yields_the_model_and_a_required_one_is_named(string schema)
    {
        var required = SpecSamples.Required(schema);
        foreach (var field in SpecSamples.Schema(schema).Properties!.Keys)
        {
            var body = (JObject)SpecSamples.Sample(SpecSamples.Schema(schema));
            body.Remove(field);

            var (model, broken) = ReadAs(schema, body);

            Assert.That(model, Is.Not.Null, $"{schema} without {field} is still a model");
            Assert.That(broken, required.Contains(field) ? Is.EqualTo(new[] { field }) : Is.Empty,
                required.Contains(field) ? $"{field} is required in {schema}: a broken promise, named" : $"{field} is optional in {schema}");
        }
    }

    [TestCaseSource(nameof(ResponseSchemas))]
    public void A_null_still_yields_the_model_and_one_the_spec_forbids_is_named(string schema)
    {
        var required = SpecSamples.Required(schema);
        foreach (var (field, definition) in SpecSamples.Schema(schema).Properties!)
        {
            var body = (JObject)SpecSamples.Sample(SpecSamples.Schema(schema));
            body[field] = JValue.CreateNull();

            var (model, broken) = ReadAs(schema, body);

            Assert.That(model, Is.Not.Null, $"{schema} with {field}: null is still a model");
            // An optional field sent as null reads as absent (FastAPI writes Optional[X] as null); only a required non-null one is a
            // promise — and a promised number in an answer is long? by design (SpecSamples.IsAnswerNumber): its null reads unflagged.
            var promised = required.Contains(field) && !SpecSamples.IsNullable(definition) && !SpecSamples.IsAnswerNumber(schema, field);
            Assert.That(broken.Select(b => b.Split(' ')[0]), promised ? Is.EqualTo(new[] { field }) : Is.Empty, $"{schema}.{field}");
        }
    }

    [Test]
    public async Task The_generated_client_reads_answers_this_way()
    {
        var (path, method, operation) = VendorSpec.Operations().First(o => o.Method == HttpMethod.Get && o.Path.Contains("{task_id}", StringComparison.Ordinal));
        var schema = ((Microsoft.OpenApi.OpenApiSchemaReference)operation.Responses!["200"].Content!["application/json"].Schema!).Reference.Id!;
        var body = (JObject)SpecSamples.Sample(SpecSamples.Schema(schema));
        foreach (var field in SpecSamples.Required(schema))
        {
            body.Remove(field);
        }

        Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody(body.ToString(Formatting.None)));

        var call = SpecModelTests.ClientMethod(path, method.Method.ToLowerInvariant(), operation);
        var arguments = call.GetParameters().Select((p, i) => i == 0 ? "t-1" : p.HasDefaultValue ? p.DefaultValue : null).ToArray();
        var task = (Task)call.Invoke(Client, arguments)!;
        await task;
        var model = task.GetType().GetProperty("Result")!.GetValue(task);

        Assert.That(TolerantReading.BrokenPromises(model), Is.EquivalentTo(SpecSamples.Required(schema)),
            $"{method} {path}: every required field left out is named, and the call returns");
    }

    [TestCaseSource(nameof(JsonRequestSchemas))]
    public void A_request_without_a_required_field_is_refused_before_sending(string schema)
    {
        var type = SpecTypeMap.ClientType(schema)!;
        foreach (var field in SpecSamples.Required(schema).Where(f => !SpecSamples.IsNullable(SpecSamples.Schema(schema).Properties![f])))
        {
            var model = JsonConvert.DeserializeObject(SpecSamples.Sample(SpecSamples.Schema(schema)).ToString(), type)!;
            var property = ((Newtonsoft.Json.Serialization.JsonObjectContract)new Newtonsoft.Json.Serialization.DefaultContractResolver().ResolveContract(type))
                .Properties.Single(p => p.PropertyName == field);
            property.ValueProvider!.SetValue(model, null);

            Assert.That(() => JsonConvert.SerializeObject(model), Throws.InstanceOf<JsonSerializationException>().With.Message.Contains(field),
                $"{schema}.{field} is required: we must send it");
        }
    }
}
