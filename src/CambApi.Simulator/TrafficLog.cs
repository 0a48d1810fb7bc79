using CambApi.Client;
using Microsoft.AspNetCore.Http;

namespace CambApi.Simulator;

/// <summary>Which of the simulator's two hosts a request reached.</summary>
public enum SimulatorHost
{
    /// <summary>The API (<see cref="CambSimulator.BaseAddress"/>).</summary>
    Api,

    /// <summary>The storage host serving result URLs (<see cref="CambSimulator.StorageAddress"/>).</summary>
    Storage,
}

/// <summary>
/// One request the simulator received, for a consumer's test to assert on traffic. The API key's value and the
/// storage URLs' signatures are never kept: the key header reads <see cref="RecordedRequest.Redacted"/>, storage
/// requests keep their path only.
/// </summary>
/// <param name="Host">The host the request reached.</param>
/// <param name="Method">GET, POST, ...</param>
/// <param name="Path">The path, e.g. <c>/apis/audio-separation/t-1</c>.</param>
/// <param name="Query">The API query string (<c>?run_id=1</c>) or empty.</param>
/// <param name="Headers">Request headers by lower-case name, repeated values joined by ", ".</param>
/// <param name="StatusCode">The status answered (200 for a fault that cut the answer off after its headers).</param>
/// <param name="FileName">For an upload, the file name the client sent.</param>
/// <param name="FileLength">For an upload, the file's length in bytes.</param>
public sealed record RecordedRequest(
    SimulatorHost Host,
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    int StatusCode,
    string? FileName,
    long? FileLength)
{
    /// <summary>What the API key header's value reads in <see cref="Headers"/>.</summary>
    public const string Redacted = "(redacted)";

    /// <summary>When the request arrived (the simulator's clock).</summary>
    public DateTimeOffset ArrivedAt { get; init; }
}

/// <summary>The requests both hosts received, in arrival order.</summary>
internal sealed class TrafficLog
{
    private const string UploadKey = "camb.upload";
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_requests)
        {
            return [.. _requests];
        }
    }

    /// <summary>Marks the request as an upload of <paramref name="fileName"/> for the log.</summary>
    public static void NoteUpload(HttpContext context, string fileName, long length) => context.Items[UploadKey] = new Upload(fileName, length);

    /// <summary>
    /// Middleware: records each request as its answer starts — before the client can have read the answer, so a caller
    /// that finished its work finds every request it made in the log (recorded at the end, a download's entry raced its
    /// caller). A request that ends without an answer is recorded as it ends.
    /// </summary>
    public Func<HttpContext, RequestDelegate, Task> Recorder(SimulatorHost host, SimulatorOptions options) => async (context, next) =>
    {
        var arrivedAt = options.TimeProvider.GetUtcNow();
        var recorded = 0;
        void Record()
        {
            if (Interlocked.Exchange(ref recorded, 1) == 1)
            {
                return;
            }

            var request = context.Request;
            var headers = request.Headers.ToDictionary(
                h => h.Key.ToLowerInvariant(),
                h => string.Equals(h.Key, ApiKey.HeaderName, StringComparison.OrdinalIgnoreCase) ? RecordedRequest.Redacted : h.Value.ToString(),
                StringComparer.OrdinalIgnoreCase);
            var upload = context.Items.TryGetValue(UploadKey, out var value) ? value as Upload : null;
            var entry = new RecordedRequest(host, request.Method, request.Path.Value ?? "/", host == SimulatorHost.Api ? request.QueryString.Value ?? "" : "",
                headers, context.Response.StatusCode, upload?.Name, upload?.Length) { ArrivedAt = arrivedAt };
            lock (_requests)
            {
                _requests.Add(entry);
            }

            if (host == SimulatorHost.Api)
            {
                options.OnApiRequestRecorded(entry);
            }
        }

        context.Response.OnStarting(() =>
        {
            Record();
            return Task.CompletedTask;
        });
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Record();
        }
    };

    private sealed record Upload(string Name, long Length);
}
