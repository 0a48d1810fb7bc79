using System.Net;
using System.Text.RegularExpressions;

namespace CambApi.SpecTools;

/// <summary>What <c>update-spec.sh --fetch</c> downloads, and from where.</summary>
/// <param name="DocsBase">Replaces each page's scheme, host and port (its path kept): <c>--docs</c> or <c>CAMB_DOCS_URL</c>.</param>
/// <param name="Add">Pages to take in for the first time (the command a NEW PAGE line prints).</param>
/// <param name="Timeout">Per request.</param>
internal sealed record FetchRequest(string? DocsBase, IReadOnlyList<string> Add, TimeSpan Timeout);

/// <summary>The fetched vendor texts, the index's pages that openapi/ does not cover, and every failure (one line each).</summary>
internal sealed record FetchResult(IReadOnlyList<VendorDocument> Documents, IReadOnlyList<string> NewPages, IReadOnlyList<string> Problems);

/// <summary>
/// Downloads the vendor's pages recorded in openapi/vendor/sources.json (their Markdown form, as the seed page is)
/// and the docs index the seed names (<c>llms.txt</c>). Uses .NET's default HttpClient handler on purpose: it honours
/// HTTPS_PROXY/NO_PROXY and the system's CA store (SSL_CERT_FILE/SSL_CERT_DIR) as every .NET program does.
/// Redirects are not followed: a page that moved is a fact the maintainer must record, not something to paper over.
/// </summary>
internal static partial class DocsFetch
{
    /// <summary>The seed page's first line: "Fetch the complete documentation index at: https://docs.camb.ai/llms.txt".</summary>
    public const string DefaultIndex = "https://docs.camb.ai/llms.txt";

    public const string EnvironmentVariable = "CAMB_DOCS_URL";

    public static FetchResult Fetch(VendorStore store, IReadOnlyList<string> operationSummaries, FetchRequest request)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = request.Timeout };
        var problems = new List<string>();
        var documents = new List<VendorDocument>();
        var pages = store.Entries.Where(e => e.Url is not null).Select(e => e.Url!).Concat(request.Add).Distinct().ToList();
        if (pages.Count == 0)
        {
            problems.Add($"openapi/vendor/{VendorStore.ManifestName} records no page address to fetch: add one with build/update-spec.sh --fetch --add URL");
        }

        var unreachable = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = Download(http, Redirect(DefaultIndex, request.DocsBase), problems, unreachable);
        var listed = index is null ? [] : IndexEntries(index).ToList();
        foreach (var page in pages)
        {
            var address = Redirect(page, request.DocsBase);
            if (Download(http, address, problems, unreachable, listed) is not { } text)
            {
                continue;
            }

            try
            {
                // Recorded under the page's own address, not the one it was fetched from (a mirror, a test's loopback site).
                documents.Add(VendorSource.Parse(text, page) with { Url = page });
            }
            catch (SpecInputException e)
            {
                problems.Add($"{e.Message.Replace(page, address, StringComparison.Ordinal)} Open {address} in a browser: if the page changed form, save it and run build/update-spec.sh with the file.");
            }
        }

        var known = pages.Select(Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var titles = operationSummaries.Select(Words).ToHashSet();
        var newPages = listed
            .Where(l => IsAudioSeparation(l.Title, l.Url) && !known.Contains(Normalize(l.Url)) && !titles.Contains(Words(l.Title)))
            .Select(l => $"NEW PAGE      {l.Title}: {l.Url} — openapi/ does not cover it yet; add it: bash build/update-spec.sh --fetch --add {l.Url}")
            .ToList();
        return new FetchResult(documents, newPages, problems);
    }

    /// <summary>The address with the docs site's base replaced (path kept), so tests can play the docs site.</summary>
    public static string Redirect(string url, string? docsBase)
    {
        if (string.IsNullOrEmpty(docsBase))
        {
            return url;
        }

        var page = new Uri(url);
        var site = new Uri(docsBase);
        return site.GetLeftPart(UriPartial.Authority) + site.AbsolutePath.TrimEnd('/') + page.PathAndQuery;
    }

    /// <param name="unreachable">Hosts that did not answer: said once, not once per page.</param>
    private static string? Download(HttpClient http, string address, List<string> problems, HashSet<string> unreachable, IReadOnlyList<(string Title, string Url)>? index = null)
    {
        var host = new Uri(address).GetLeftPart(UriPartial.Authority);
        if (unreachable.Contains(host))
        {
            return null;
        }

        try
        {
            using var response = http.GetAsync(address).GetAwaiter().GetResult();
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                var moved = new Uri(new Uri(address), location).ToString();
                problems.Add($"{address}: moved to {moved} — check it is the same page, set its url in openapi/vendor/{VendorStore.ManifestName}, and run the fetch again");
                return null;
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                var title = index?.FirstOrDefault(l => Normalize(l.Url) != Normalize(address) && SameSlug(l.Url, address));
                problems.Add(title is { Url: not null } found
                    ? $"{address}: 404 not found; the docs index lists it at {found.Url} — set that url in openapi/vendor/{VendorStore.ManifestName} and run the fetch again"
                    : $"{address}: 404 not found — the page may have moved or been withdrawn; find it in {DefaultIndex} and set its url in openapi/vendor/{VendorStore.ManifestName}");
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                problems.Add($"{address}: the docs site answered {status} {response.ReasonPhrase} — try again later; nothing was changed");
                return null;
            }

            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult().Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
            if (mediaType.Contains("html", StringComparison.OrdinalIgnoreCase) || HtmlStart().IsMatch(text))
            {
                problems.Add($"{address}: an HTML page, not the Markdown text of a docs page (an error, login or consent page?) — open it in a browser; the address must serve Markdown (Mintlify: the page address + .md)");
                return null;
            }

            return text;
        }
        catch (TaskCanceledException)
        {
            unreachable.Add(host);
            problems.Add($"{address}: no answer within {http.Timeout.TotalSeconds:0.#} s — check your network or proxy (HTTPS_PROXY) and run the fetch again");
        }
        catch (HttpRequestException e)
        {
            unreachable.Add(host);
            problems.Add($"{address}: could not connect ({e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "the host name did not resolve",
                HttpRequestError.ConnectionError => "the connection was refused or dropped",
                HttpRequestError.SecureConnectionError => "the TLS handshake failed: a proxy with its own CA? set SSL_CERT_FILE",
                HttpRequestError.ProxyTunnelError => "the proxy refused the tunnel",
                _ => e.Message,
            }}) — check the address, your network or proxy (HTTPS_PROXY), then run the fetch again");
        }

        return null;
    }

    /// <summary>llms.txt lines: "- [Title](https://…/page.md): description".</summary>
    private static IEnumerable<(string Title, string Url)> IndexEntries(string index) =>
        IndexLink().Matches(index).Select(m => (m.Groups["title"].Value.Trim(), m.Groups["url"].Value.Trim()));

    private static bool IsAudioSeparation(string title, string url) =>
        Words(title).Contains("audio separation", StringComparison.Ordinal) || url.Contains("audio-separation", StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string url)
    {
        var trimmed = url.Trim().TrimEnd('/');
        trimmed = trimmed.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? trimmed[..^3] : trimmed;
        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) ? uri.AbsolutePath.TrimEnd('/') : trimmed;
    }

    private static bool SameSlug(string a, string b) =>
        Normalize(a).Split('/').Last().Equals(Normalize(b).Split('/').Last(), StringComparison.OrdinalIgnoreCase);

    private static string Words(string s) => string.Join(' ', NonWord().Split(s.ToLowerInvariant()).Where(w => w.Length > 0));

    [GeneratedRegex(@"\[(?<title>[^\]]+)\]\((?<url>https?://[^)\s]+)\)")]
    private static partial Regex IndexLink();

    [GeneratedRegex(@"^\s*<(!doctype|html)", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlStart();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NonWord();
}
