using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CambApi.Simulator;

/// <summary>
/// The storage host behind result URLs, as S3 behaves: signed, expiring URLs (403 when bad or late), no
/// <c>x-api-key</c> accepted, Range requests with a strong ETag, and the queued <see cref="StorageFault"/>s.
/// </summary>
public sealed partial class CambSimulator
{
    private Dictionary<string, object?> ResultUrls(long runId)
    {
        var expires = (_options.TimeProvider.GetUtcNow() + _options.UrlLifetime).ToUnixTimeSeconds();
        var foreground = _options.Drift.HasFlag(SimulatedDrift.RenamedField) ? "foreground_url" : "foreground_audio_url";
        return Drifted(new()
        {
            [foreground] = SignedUrl(runId, "foreground", expires),
            ["background_audio_url"] = SignedUrl(runId, "background", expires),
        }, "duration", Math.Round(_runs[runId].Foreground.Length / 32_000.0, 2));
    }

    private string SignedUrl(long runId, string track, long expires) =>
        $"{StorageAddress}files/{runId}/{track}.wav?expires={expires}&signature={Sign(runId, track, expires)}";

    private string Sign(long runId, string track, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_signingKey, Encoding.UTF8.GetBytes($"{runId}/{track}/{expires}")));

    private void MapStorage(WebApplication app) =>
        app.MapGet("/files/{run_id:long}/{track}.wav", async (HttpContext context, long run_id, string track, long? expires, string? signature) =>
        {
            Interlocked.Increment(ref _storageRequests);
            var request = context.Request;
            if (request.Headers.Range.Count > 0)
            {
                Interlocked.Increment(ref _storageRangeRequests);
            }

            if (request.Headers.ContainsKey(CambApi.Client.ApiKey.HeaderName))
            {
                return Results.Text("Requests to storage must not carry x-api-key.", statusCode: 400);
            }

            if (expires is null || signature is null || !CryptographicOperations.FixedTimeEquals(
                    Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(Sign(run_id, track, expires.Value))))
            {
                return Results.Text("Signature does not match.", statusCode: 403);
            }

            if (_options.TimeProvider.GetUtcNow().ToUnixTimeSeconds() > expires)
            {
                return Results.Text("Request has expired.", statusCode: 403);
            }

            if (!_runs.TryGetValue(run_id, out var run) || track is not ("foreground" or "background"))
            {
                return Results.NotFound();
            }

            var bytes = track == "foreground" ? run.Foreground : run.Background;
            // A strong ETag, as S3 gives: the client's If-Range checks that a resumed file is the same object.
            var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
            if (_options.StorageFaults.TryDequeue(out var fault))
            {
                if (fault.StatusCode is { } status)
                {
                    return Results.Text($"Simulated storage fault: HTTP {status}.", statusCode: status);
                }

                await PlayBodyFaultAsync(context, bytes, etag, fault).ConfigureAwait(false);
                return Results.Empty;
            }

            return Results.Bytes(bytes, "audio/wav", enableRangeProcessing: true, entityTag: etag);
        });

    /// <summary>Starts the answer (honouring a Range) and breaks it off: a reset, or a stall until the client leaves.</summary>
    private static async Task PlayBodyFaultAsync(HttpContext context, byte[] bytes, EntityTagHeaderValue etag, StorageFault fault)
    {
        var from = context.Request.GetTypedHeaders().Range?.Ranges.FirstOrDefault()?.From ?? 0;
        var response = context.Response;
        response.StatusCode = from > 0 ? 206 : 200;
        response.ContentType = "audio/wav";
        response.ContentLength = bytes.Length - from;
        response.Headers.ETag = etag.ToString();
        response.Headers.AcceptRanges = "bytes";
        if (from > 0)
        {
            response.Headers.ContentRange = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
        }

        var count = (int)Math.Min(bytes.Length - from, fault.ResetAfterBytes ?? fault.StallAfterBytes ?? 0);
        await response.Body.WriteAsync(bytes.AsMemory((int)from, count), context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        if (fault.StallAfterBytes is not null)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        context.Abort();
    }
}
