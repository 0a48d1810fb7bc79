namespace CambApi.Testing;

/// <summary>Bodies as FastAPI (pydantic v2) really sends them, extra fields included — built in one place for every test project.</summary>
internal static class FastApiBodies
{
    /// <summary>GET /audio-separation/{task_id}: every field present, null when unset, as FastAPI serializes the model.</summary>
    public static string Status(string status, long? runId = null, string? reason = null, string? message = null) =>
        Newtonsoft.Json.JsonConvert.SerializeObject(new { status, run_id = runId, exception_reason = reason, message });

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
