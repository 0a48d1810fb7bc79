using Microsoft.Extensions.Logging;

namespace CambApi.Http;

/// <summary>
/// Inside the retry policy on the API pipeline: reads each answer's body completely before it is handed up. A body cut
/// off mid-way then fails the attempt — retried like any dropped connection, bounded by the per-attempt timeout — instead
/// of surfacing later from the generated client's parser as a raw stream error. API answers are small JSON documents;
/// storage downloads never pass through here.
/// </summary>
/// <param name="driftLogger">Where an undocumented status or content type is reported (<see cref="UndocumentedAnswers"/>, checked here per attempt).</param>
internal sealed class ResponseBufferingHandler(ILogger driftLogger) : DelegatingHandler
{
    /// <summary>Far above any documented answer; a larger one is not the API talking.</summary>
    internal const long MaxBodyBytes = 16L << 20;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            await response.Content.LoadIntoBufferAsync(MaxBodyBytes, cancellationToken).ConfigureAwait(false);
            UndocumentedAnswers.Inspect(request, response, driftLogger);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
