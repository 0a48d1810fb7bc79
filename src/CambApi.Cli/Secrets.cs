using System.Text.RegularExpressions;

namespace CambApi.Cli;

/// <summary>
/// The secret values a command line carries, so no message ever prints them: the value of <c>--api-key</c> (also
/// misspelt, or any option named like a key, token, secret or password, as <c>--opt VALUE</c>, <c>--opt=VALUE</c> or
/// <c>--opt:VALUE</c>) and the <c>CAMB_API_KEY</c> environment variable. The parser echoes tokens it cannot place —
/// "Unrecognized command or argument '&lt;the key&gt;'" — so everything it says goes through <see cref="Redact"/>.
/// </summary>
internal static partial class Secrets
{
    public const string Mask = "***";

    public static IReadOnlyList<string> In(IReadOnlyList<string> args)
    {
        var secrets = new List<string>();
        if (Environment.GetEnvironmentVariable(CambApi.Client.ApiKey.EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            secrets.Add(fromEnvironment);
        }

        for (var i = 0; i < args.Count; i++)
        {
            if (OptionWithValue().Match(args[i]) is not { Success: true } option || !NamesASecret(option.Groups["name"].Value))
            {
                continue;
            }

            if (option.Groups["value"].Success)
            {
                secrets.Add(option.Groups["value"].Value);
            }
            else if (i + 1 < args.Count)
            {
                secrets.Add(args[i + 1]);
            }
        }

        // Longest first, so a secret containing another is masked whole.
        return secrets.Where(s => s.Length > 0).Distinct().OrderByDescending(s => s.Length).ToList();
    }

    public static string Redact(string text, IReadOnlyList<string> secrets) =>
        secrets.Aggregate(text, (current, secret) => current.Replace(secret, Mask, StringComparison.Ordinal));

    /// <summary>"api-key", and near misses of it ("api-kye", "apikey"), or any name about keys, tokens or passwords.</summary>
    internal static bool NamesASecret(string name)
    {
        var plain = name.ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return plain.Contains("key", StringComparison.Ordinal) || plain.Contains("token", StringComparison.Ordinal) ||
               plain.Contains("secret", StringComparison.Ordinal) || plain.Contains("passw", StringComparison.Ordinal) ||
               EditDistance(plain, "apikey") <= 2;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@"^(--?|/)(?<name>[A-Za-z][A-Za-z0-9_-]*)([=:](?<value>.*))?$")]
    private static partial Regex OptionWithValue();
}
