using System.Globalization;
using System.Numerics;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CambApi.Simulator.Validation;

/// <summary>One entry of a FastAPI 422 <c>detail</c>: Pydantic v2's error with FastAPI's <c>loc</c> prefix.</summary>
internal sealed record FastApiError(string Type, object[] Loc, string Msg, object? Input, OrderedDictionary<string, object?>? Ctx = null)
{
    public OrderedDictionary<string, object?> ToPython()
    {
        // FastAPI writes Pydantic's dict as is: type, loc, msg, input, then ctx when the error type has one.
        var error = new OrderedDictionary<string, object?> { ["type"] = Type, ["loc"] = Loc, ["msg"] = Msg, ["input"] = Input };
        if (Ctx is not null)
        {
            error["ctx"] = Ctx;
        }

        return error;
    }
}

/// <summary>
/// What FastAPI 0.11x with Pydantic v2 answers for the types the four operations declare (<c>int</c>,
/// <c>list[int]</c>, <c>UploadFile</c>, the <c>RunIDsRequestPayload</c> model), in lax (Python) mode. Sources:
/// fastapi/routing.py (body reading, <c>json_invalid</c>), fastapi/dependencies/utils.py (form and body
/// extraction, <c>missing</c> with input null), fastapi/_compat.py (<c>from_attributes=True</c>), pydantic-core
/// src/errors/types.rs (messages) and src/input/shared.rs + input_python.rs (lax integers).
/// </summary>
internal static class FastApiValidation
{
    public const string IntParsing = "Input should be a valid integer, unable to parse string as an integer";

    public static FastApiError Missing(object[] loc, object? input) => new("missing", loc, "Field required", input);

    /// <summary>Pydantic's lax <c>int</c> in Python mode, over what <c>json.loads</c> or a form/query string gives.</summary>
    public static bool TryInt(object? value, object[] loc, out BigInteger result, out FastApiError? error)
    {
        result = default;
        error = null;
        switch (value)
        {
            case BigInteger i:
                result = i;
                return true;
            case bool b: // a bool is an int subclass in Python: accepted in lax mode
                result = b ? 1 : 0;
                return true;
            case string s:
                return TryIntFromString(s, loc, out result, out error);
            case double d when !double.IsFinite(d):
                error = new FastApiError("finite_number", loc, "Input should be a finite number", d);
                return false;
            case double d when d % 1 != 0:
                error = new FastApiError("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", d);
                return false;
            case double d when d > long.MinValue && d < long.MaxValue:
                result = new BigInteger(d);
                return true;
            case double d:
                error = new FastApiError("int_parsing_size", loc, "Unable to parse input string as an integer, exceeded maximum size", d);
                return false;
            default:
                error = new FastApiError("int_type", loc, "Input should be a valid integer", value);
                return false;
        }
    }

    /// <summary>pydantic-core's <c>str_as_int</c>: a JSON integer, else the cleaned-up forms Python's <c>int()</c> takes.</summary>
    public static bool TryIntFromString(string text, object[] loc, out BigInteger result, out FastApiError? error)
    {
        error = null;
        if (text.Count(char.IsAsciiDigit) > 4300)
        {
            result = default;
            error = new FastApiError("int_parsing_size", loc, "Unable to parse input string as an integer, exceeded maximum size", text);
            return false;
        }

        if (TryJsonInteger(text, out result) || (CleanIntString(text) is { } cleaned && TryJsonInteger(cleaned, out result)))
        {
            return true;
        }

        error = new FastApiError("int_parsing", loc, IntParsing, text);
        return false;
    }

    private static bool TryJsonInteger(string s, out BigInteger value)
    {
        value = default;
        var digits = s.StartsWith('-') ? s[1..] : s;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit) || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        value = BigInteger.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>pydantic-core's <c>clean_int_str</c>: trims, one '+', leading zeros, a <c>.000</c> tail, digit underscores.</summary>
    private static string? CleanIntString(string s)
    {
        var before = s.Length;
        s = s.Trim();
        if (s.StartsWith('+'))
        {
            if (s.StartsWith("+-", StringComparison.Ordinal))
            {
                return null;
            }

            s = s[1..];
        }

        var negative = false;
        if (s.StartsWith('-'))
        {
            if (s.Length > 1 && s[1] is '-' or '+')
            {
                return null;
            }

            negative = true;
            s = s[1..];
        }

        if (StripLeadingZeros(s) is not { } stripped)
        {
            return null;
        }

        s = stripped;
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && dot < s.Length - 1 && s[(dot + 1)..].All(c => c == '0'))
        {
            s = s[..dot];
        }

        if (s.Contains('_', StringComparison.Ordinal) && !s.StartsWith('_') && !s.EndsWith('_') && !s.Contains("__", StringComparison.Ordinal))
        {
            return (negative ? "-" : "") + s.Replace("_", "", StringComparison.Ordinal);
        }

        return s.Length == before ? null : (negative ? "-" : "") + s;
    }

    private static string? StripLeadingZeros(string s)
    {
        if (s.Length == 0)
        {
            return null;
        }

        if (s[0] != '0')
        {
            return s[0] is (>= '1' and <= '9') or '-' ? s : null;
        }

        for (var i = 1; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '0' or '_':
                    continue;
                case (>= '1' and <= '9') or '-':
                    return s[i..];
                case '.':
                    return s[(i - 1)..];
                default:
                    return null;
            }
        }

        return s[^1..];
    }

    /// <summary>The optional <c>run_id</c> query parameter of create, status and batch: absent is fine, else an int.</summary>
    public static IEnumerable<FastApiError> QueryRunId(HttpRequest request)
    {
        // Starlette keeps the last of repeated parameters and "" for a bare "?run_id".
        if (request.Query.TryGetValue("run_id", out var values) && values.Count > 0
            && !TryIntFromString(values[^1] ?? "", ["query", "run_id"], out _, out var error))
        {
            yield return error!;
        }
    }

    /// <summary>
    /// The create form (<c>CreateAudioSeparationRequest</c>), field by field in the spec's
    /// order as FastAPI validates forms: an empty text value counts as absent; <c>media_file</c> must be a file part.
    /// </summary>
    public static IEnumerable<FastApiError> CreateForm(IFormCollection form)
    {
        // Starlette's FormData.get keeps the last of repeated parts.
        if (form.Files.GetFiles("media_file").Count == 0)
        {
            yield return form.TryGetValue("media_file", out var text) && text.Count > 0 && !string.IsNullOrEmpty(text[^1])
                ? new FastApiError("value_error", ["body", "media_file"], "Value error, Expected UploadFile, received: <class 'str'>", text[^1],
                    new OrderedDictionary<string, object?> { ["error"] = new OrderedDictionary<string, object?>() }) // the ValueError, as jsonable_encoder writes it
                : Missing(["body", "media_file"], null);
        }

        if (form.TryGetValue("folder_id", out var folder) && folder.Count > 0 && !string.IsNullOrEmpty(folder[^1])
            && !TryIntFromString(folder[^1]!, ["body", "folder_id"], out _, out var error))
        {
            yield return error!;
        }
    }

    /// <summary>
    /// The batch body as FastAPI reads and validates it: empty → missing; JSON only for no or a JSON content type
    /// (otherwise the raw bytes meet the model); then <c>RunIDsRequestPayload</c> with <c>run_ids: list[int]</c>.
    /// </summary>
    /// <returns>The run ids, or the errors (or an HTTP failure: 400 for undecodable bytes).</returns>
    public static BodyResult<List<BigInteger>> RunIdsPayload(byte[] body, string? contentType)
    {
        object? value = null;
        if (body.Length > 0)
        {
            if (IsJson(contentType))
            {
                if (!TryDecodeUtf8(body, out var text))
                {
                    return BodyResult<List<BigInteger>>.Fail(FastApiResponses.Detail(400, "There was an error parsing the body"));
                }

                if (!PythonJson.TryLoads(text, out value, out var decodeError))
                {
                    // FastAPI stops at the first undecodable body: one error, position in characters, input {}.
                    return BodyResult<List<BigInteger>>.Fail(FastApiResponses.Validation(
                    [
                        new FastApiError("json_invalid", ["body", decodeError!.Position], "JSON decode error",
                            new OrderedDictionary<string, object?>(), new OrderedDictionary<string, object?> { ["error"] = decodeError.Message }),
                    ]));
                }
            }
            else
            {
                value = new RawBytes(body);
            }
        }

        if (value is null)
        {
            return BodyResult<List<BigInteger>>.Invalid(Missing(["body"], null));
        }

        if (value is not OrderedDictionary<string, object?> payload)
        {
            return BodyResult<List<BigInteger>>.Invalid(new FastApiError(
                "model_attributes_type", ["body"], "Input should be a valid dictionary or object to extract fields from", value));
        }

        if (!payload.TryGetValue("run_ids", out var runIds))
        {
            return BodyResult<List<BigInteger>>.Invalid(Missing(["body", "run_ids"], payload));
        }

        if (runIds is not List<object?> items)
        {
            return BodyResult<List<BigInteger>>.Invalid(new FastApiError("list_type", ["body", "run_ids"], "Input should be a valid list", runIds));
        }

        var ids = new List<BigInteger>();
        var errors = new List<FastApiError>();
        for (var i = 0; i < items.Count; i++)
        {
            if (TryInt(items[i], ["body", "run_ids", i], out var id, out var error))
            {
                ids.Add(id);
            }
            else
            {
                errors.Add(error!);
            }
        }

        return errors.Count > 0 ? BodyResult<List<BigInteger>>.Invalid([.. errors]) : BodyResult<List<BigInteger>>.Ok(ids);
    }

    /// <summary>FastAPI's test: no content type, or <c>application/json</c> / <c>application/*+json</c> (via Python's email parser).</summary>
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        var type = contentType.Split(';')[0].Trim().ToLowerInvariant();
        var slash = type.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || type[..slash] != "application")
        {
            return false;
        }

        var subtype = type[(slash + 1)..];
        return subtype == "json" || subtype.EndsWith("+json", StringComparison.Ordinal);
    }

    /// <summary><c>json.loads(bytes)</c> decodes UTF-8 (a BOM allowed); bytes that do not decode are a 400 in FastAPI.</summary>
    private static bool TryDecodeUtf8(byte[] body, out string text)
    {
        try
        {
            var span = body.AsSpan();
            if (span.StartsWith("\uFEFF"u8))
            {
                span = span[3..];
            }

            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }
}

/// <summary>A non-JSON body as the model sees it: FastAPI echoes it as text (<c>bytes.decode()</c>).</summary>
internal sealed record RawBytes(byte[] Bytes);

/// <summary>A validated body, or the 422 errors, or another failure answer.</summary>
internal sealed record BodyResult<T>(T? Value, FastApiError[] Errors, IResult? Failure)
{
    public static BodyResult<T> Ok(T value) => new(value, [], null);

    public static BodyResult<T> Invalid(params FastApiError[] errors) => new(default, errors, null);

    public static BodyResult<T> Fail(IResult failure) => new(default, [], failure);
}

/// <summary>FastAPI's answers: the 422 body exactly as <c>JSONResponse</c> writes it, and <c>{"detail": "..."}</c>.</summary>
internal static class FastApiResponses
{
    public static IResult Validation(IEnumerable<FastApiError> errors)
    {
        string body;
        try
        {
            body = PythonJson.Dumps(new OrderedDictionary<string, object?> { ["detail"] = errors.Select(e => Echoable(e.ToPython())).ToList() });
        }
        catch (Exception e) when (e is ArgumentException or DecoderFallbackException)
        {
            // FastAPI's encoder fails on NaN/Infinity (allow_nan=False) or non-UTF-8 bytes echoed as input:
            // Starlette then answers a bare 500.
            return Results.Text("Internal Server Error", "text/plain; charset=utf-8", statusCode: 500);
        }

        return Results.Text(body, "application/json", Encoding.UTF8, 422);
    }

    public static IResult Detail(int status, string detail) =>
        Results.Text(PythonJson.Dumps(new OrderedDictionary<string, object?> { ["detail"] = detail }), "application/json", Encoding.UTF8, status);

    /// <summary>jsonable_encoder turns bytes into text and an exception in ctx into <c>{}</c>.</summary>
    private static object? Echoable(object? value) => value switch
    {
        RawBytes raw => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw.Bytes),
        OrderedDictionary<string, object?> map => new OrderedDictionary<string, object?>(map.Select(p => KeyValuePair.Create(p.Key, Echoable(p.Value)))),
        List<object?> list => list.Select(Echoable).ToList(),
        _ => value,
    };
}
