namespace CambApi.Testing;

/// <summary>
/// Bodies as FastAPI (pydantic v2) really sends them, extra fields included — built in one place for every test project.
/// An answer a stub gives is one the vendor promises: every field the spec requires is in it (a value of its type where the
/// test names none), so a field the vendor starts to promise moves the stubs with it instead of turning them into drift.
/// </summary>
internal static class FastApiBodies
{
    /// <summary>GET /audio-separation/{task_id}: every field present, null when unset, as FastAPI serializes the model.</summary>
    public static string Status(string status, long? runId = null, string? reason = null, string? message = null) =>
        Answer(HttpMethod.Get, "/audio-separation/{task_id}", new { status, run_id = runId, exception_reason = reason, message });

    /// <summary>POST /audio-separation's answer: the task id.</summary>
    public static string Created(string taskId) => Answer(HttpMethod.Post, "/audio-separation", new { task_id = taskId });

    /// <summary>GET /audio-separation-result/{run_id}'s answer: the two download URLs.</summary>
    public static string Result(string foregroundUrl, string backgroundUrl) =>
        Answer(HttpMethod.Get, "/audio-separation-result/{run_id}", new { foreground_audio_url = foregroundUrl, background_audio_url = backgroundUrl });

    /// <summary>An answer of the operation's 200 schema: <paramref name="fields"/> (nulls kept), and every other field the spec requires.</summary>
    public static string Answer(HttpMethod method, string path, object fields)
    {
        var operation = VendorSpec.Operations().Single(o => o.Method == method && o.Path == path).Operation;
        var schema = ((Microsoft.OpenApi.OpenApiSchemaReference)operation.Responses!["200"].Content!["application/json"].Schema!).Reference.Id!;
        var given = Newtonsoft.Json.Linq.JObject.FromObject(fields, Newtonsoft.Json.JsonSerializer.Create(new Newtonsoft.Json.JsonSerializerSettings { NullValueHandling = Newtonsoft.Json.NullValueHandling.Include }));
        var body = new Newtonsoft.Json.Linq.JObject();
        foreach (var field in SpecSamples.Required(schema).Order(StringComparer.Ordinal).Where(f => !given.ContainsKey(f)))
        {
            body[field] = SpecSamples.Sample(SpecSamples.Schema(schema).Properties![field]);
        }

        foreach (var property in given.Properties())
        {
            body[property.Name] = property.Value;
        }

        return body.ToString(Newtonsoft.Json.Formatting.None);
    }

    public const string MixedLoc = """
        {
          "detail": [
            {
              "type": "int_parsing",
              "loc": ["path", "run_id"],
              "msg": "Input should be a valid integer, unable to parse string as an integer",
              "input": "abc",
              "url": "https://errors.pydantic.dev/2.9/v/int_parsing"
            },
            {
              "type": "int_type",
              "loc": ["body", "run_ids", 0],
              "msg": "Input should be a valid integer",
              "input": "x",
              "ctx": {"error": "not an int"}
            }
          ]
        }
        """;
}
