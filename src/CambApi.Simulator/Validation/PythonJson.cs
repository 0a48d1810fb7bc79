using System.Globalization;
using System.Numerics;
using System.Text;

namespace CambApi.Simulator.Validation;

/// <summary>
/// JSON as the service's Python reads and writes it. FastAPI parses a body with <c>json.loads</c> and answers a
/// 422 with <c>json_invalid</c>, CPython's message and its character position; it writes answers with
/// <c>json.dumps(separators=(",", ":"), ensure_ascii=False)</c>. Hand-written because no .NET parser reports
/// CPython's messages and positions, or keeps Python's distinctions (unbounded ints, <c>1.0</c> vs <c>1</c>,
/// NaN/Infinity, key order): the simulator must echo <c>input</c> byte for byte. Mirrors CPython 3.11's C
/// scanner (Modules/_json.c); the cases are pinned against CPython by tests/CambApi.Tests/Fixtures.
/// </summary>
/// <remarks>
/// Values: <see cref="OrderedDictionary{TKey,TValue}"/> for objects, <see cref="List{T}"/> for arrays,
/// <see cref="string"/>, <see cref="BigInteger"/>, <see cref="double"/>, <see cref="bool"/> and null.
/// Positions count Unicode code points, as Python's do.
/// </remarks>
internal static class PythonJson
{
    public sealed record DecodeError(string Message, int Position);

    /// <summary><c>json.loads(text)</c>: the value, or CPython's error.</summary>
    public static bool TryLoads(string text, out object? value, out DecodeError? error)
    {
        var scanner = new Scanner(text.EnumerateRunes().Select(r => r.Value).ToArray());
        try
        {
            var start = scanner.SkipWhitespace(0);
            (value, var end) = scanner.ScanValue(start);
            end = scanner.SkipWhitespace(end);
            if (end != scanner.Length)
            {
                throw new DecodeException("Extra data", end);
            }

            error = null;
            return true;
        }
        catch (DecodeException e)
        {
            value = null;
            error = new DecodeError(e.Message, e.Position);
            return false;
        }
    }

    /// <summary><c>json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))</c>.</summary>
    /// <exception cref="ArgumentException">NaN or an infinity, which Python refuses to write (FastAPI then answers 500).</exception>
    public static string Dumps(object? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(builder, s);
                break;
            case int or long or BigInteger:
                builder.Append(CultureInfo.InvariantCulture, $"{value}");
                break;
            case double d:
                builder.Append(FloatRepr(d));
                break;
            case OrderedDictionary<string, object?> map:
                builder.Append('{');
                var first = true;
                foreach (var (key, item) in map)
                {
                    builder.Append(first ? "" : ",");
                    first = false;
                    WriteString(builder, key);
                    builder.Append(':');
                    Write(builder, item);
                }

                builder.Append('}');
                break;
            case System.Collections.IEnumerable items:
                builder.Append('[');
                var separator = "";
                foreach (var item in items)
                {
                    builder.Append(separator);
                    separator = ",";
                    Write(builder, item);
                }

                builder.Append(']');
                break;
            default:
                throw new ArgumentException($"No JSON form for {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteString(StringBuilder builder, string s)
    {
        builder.Append('"');
        foreach (var c in s)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        builder.Append('"');
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, <c>1000.0</c>, <c>1e+16</c>, <c>1.5e-05</c>.</summary>
    public static string FloatRepr(double d)
    {
        if (!double.IsFinite(d))
        {
            throw new ArgumentException("Out of range float values are not JSON compliant.", nameof(d));
        }

        // .NET's "R" gives the same shortest round-trip digits as Python; only the layout differs.
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var parts = shortest.Split('E');
        var exponent = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        var integerPart = parts[0].Split('.')[0];
        var digits = parts[0].Replace(".", "", StringComparison.Ordinal);
        exponent += integerPart.Length - 1;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0').TrimEnd('0');
        exponent -= leadingZeros;
        if (digits.Length == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        var sign = d < 0 ? "-" : "";
        if (exponent is < -4 or >= 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return $"{sign}{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        if (exponent < 0)
        {
            return sign + "0." + new string('0', -exponent - 1) + digits;
        }

        return digits.Length <= exponent + 1
            ? sign + digits + new string('0', exponent + 1 - digits.Length) + ".0"
            : sign + digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
    }

    private sealed class DecodeException(string message, int position) : Exception(message)
    {
        public int Position { get; } = position;
    }

    /// <summary>Scans code points the way Modules/_json.c does (<c>scan_once_unicode</c> and friends).</summary>
    private sealed class Scanner(int[] s)
    {
        public int Length => s.Length;

        private int At(int i) => i < s.Length ? s[i] : -1;

        private static bool IsWhitespace(int c) => c is ' ' or '\t' or '\n' or '\r';

        public int SkipWhitespace(int i)
        {
            while (i < s.Length && IsWhitespace(s[i]))
            {
                i++;
            }

            return i;
        }

        private bool Matches(int i, string literal)
        {
            if (i + literal.Length > s.Length)
            {
                return false;
            }

            for (var k = 0; k < literal.Length; k++)
            {
                if (s[i + k] != literal[k])
                {
                    return false;
                }
            }

            return true;
        }

        public (object? Value, int End) ScanValue(int i)
        {
            // Python raises StopIteration(idx) here; the decoder turns it into "Expecting value" at idx.
            switch (At(i))
            {
                case -1:
                    throw new DecodeException("Expecting value", i);
                case '"':
                    return ScanString(i + 1);
                case '{':
                    return ScanObject(i + 1);
                case '[':
                    return ScanArray(i + 1);
                case 'n' when Matches(i, "null"):
                    return (null, i + 4);
                case 't' when Matches(i, "true"):
                    return (true, i + 4);
                case 'f' when Matches(i, "false"):
                    return (false, i + 5);
                case 'N' when Matches(i, "NaN"):
                    return (double.NaN, i + 3);
                case 'I' when Matches(i, "Infinity"):
                    return (double.PositiveInfinity, i + 8);
                case '-' when Matches(i, "-Infinity"):
                    return (double.NegativeInfinity, i + 9);
                default:
                    return ScanNumber(i);
            }
        }

        private (object? Value, int End) ScanNumber(int start)
        {
            var i = start;
            if (At(i) == '-')
            {
                i++;
            }

            if (At(i) is >= '1' and <= '9')
            {
                while (At(i) is >= '0' and <= '9')
                {
                    i++;
                }
            }
            else if (At(i) == '0')
            {
                i++;
            }
            else
            {
                throw new DecodeException("Expecting value", start);
            }

            var isFloat = false;
            if (At(i) == '.' && At(i + 1) is >= '0' and <= '9')
            {
                isFloat = true;
                i += 2;
                while (At(i) is >= '0' and <= '9')
                {
                    i++;
                }
            }

            if (At(i) is 'e' or 'E')
            {
                var exponentStart = i++;
                if (At(i) is '+' or '-')
                {
                    i++;
                }

                var digitsStart = i;
                while (At(i) is >= '0' and <= '9')
                {
                    i++;
                }

                if (i > digitsStart)
                {
                    isFloat = true;
                }
                else
                {
                    i = exponentStart;
                }
            }

            var text = string.Concat(s[start..i].Select(c => (char)c));
            return isFloat
                ? (double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), i)
                : (BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), i);
        }

        private (object? Value, int End) ScanString(int end)
        {
            var begin = end - 1;
            var chunks = new StringBuilder();
            var i = end;
            while (true)
            {
                while (i < s.Length && s[i] != '"' && s[i] != '\\')
                {
                    if (s[i] <= 0x1f)
                    {
                        throw new DecodeException("Invalid control character at", i);
                    }

                    chunks.Append(char.ConvertFromUtf32(s[i]));
                    i++;
                }

                if (i >= s.Length)
                {
                    throw new DecodeException("Unterminated string starting at", begin);
                }

                if (s[i] == '"')
                {
                    return (chunks.ToString(), i + 1);
                }

                i++; // past the backslash
                if (i >= s.Length)
                {
                    throw new DecodeException("Unterminated string starting at", begin);
                }

                if (s[i] != 'u')
                {
                    chunks.Append(s[i] switch
                    {
                        '"' => '"',
                        '\\' => '\\',
                        '/' => '/',
                        'b' => '\b',
                        'f' => '\f',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        _ => throw new DecodeException("Invalid \\escape", i - 1),
                    });
                    i++;
                    continue;
                }

                var unit = ReadHex4(i + 1);
                i += 5;
                if (unit is >= 0xD800 and <= 0xDBFF && i + 6 < s.Length && At(i) == '\\' && At(i + 1) == 'u')
                {
                    var low = ReadHex4(i + 2);
                    if (low is >= 0xDC00 and <= 0xDFFF)
                    {
                        chunks.Append(char.ConvertFromUtf32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)));
                        i += 6;
                        continue;
                    }
                }

                chunks.Append((char)unit);
            }
        }

        private int ReadHex4(int from)
        {
            // CPython reports a short or bad escape at its 'u', and wants a character after the four digits.
            if (from + 4 >= s.Length)
            {
                throw new DecodeException("Invalid \\uXXXX escape", from - 1);
            }

            var value = 0;
            for (var k = from; k < from + 4; k++)
            {
                var digit = s[k] switch
                {
                    >= '0' and <= '9' => s[k] - '0',
                    >= 'a' and <= 'f' => s[k] - 'a' + 10,
                    >= 'A' and <= 'F' => s[k] - 'A' + 10,
                    _ => throw new DecodeException("Invalid \\uXXXX escape", from - 1),
                };
                value = (value << 4) | digit;
            }

            return value;
        }

        private (object? Value, int End) ScanObject(int i)
        {
            var map = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            i = SkipWhitespace(i);
            if (At(i) == '}')
            {
                return (map, i + 1);
            }

            while (true)
            {
                if (At(i) != '"')
                {
                    throw new DecodeException("Expecting property name enclosed in double quotes", i);
                }

                var (key, next) = ScanString(i + 1);
                i = SkipWhitespace(next);
                if (At(i) != ':')
                {
                    throw new DecodeException("Expecting ':' delimiter", i);
                }

                i = SkipWhitespace(i + 1);
                (map[(string)key!], i) = ScanValue(i);
                i = SkipWhitespace(i);
                if (At(i) == '}')
                {
                    return (map, i + 1);
                }

                if (At(i) != ',')
                {
                    throw new DecodeException("Expecting ',' delimiter", i);
                }

                i = SkipWhitespace(i + 1);
            }
        }

        private (object? Value, int End) ScanArray(int i)
        {
            var list = new List<object?>();
            i = SkipWhitespace(i);
            if (At(i) == ']')
            {
                return (list, i + 1);
            }

            while (true)
            {
                (var item, i) = ScanValue(i);
                list.Add(item);
                i = SkipWhitespace(i);
                if (At(i) == ']')
                {
                    return (list, i + 1);
                }

                if (At(i) != ',')
                {
                    throw new DecodeException("Expecting ',' delimiter", i);
                }

                i = SkipWhitespace(i + 1);
            }
        }
    }
}
