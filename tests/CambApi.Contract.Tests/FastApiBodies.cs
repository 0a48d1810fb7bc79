namespace CambApi.Contract.Tests;

/// <summary>Bodies as FastAPI (pydantic v2) really sends them, extra fields included.</summary>
internal static class FastApiBodies
{
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
