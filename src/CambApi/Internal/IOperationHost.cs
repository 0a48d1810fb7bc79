using CambApi.Client;
using Microsoft.Extensions.Logging;

namespace CambApi;

/// <summary>
/// What a <see cref="SeparationOperation"/> needs from its client, and nothing more: the settings that shape the wait,
/// a logger, one status read and one result read. <see cref="AudioSeparationClient"/> implements it explicitly, so the
/// operation never reaches into the client's fields and a test can host an operation on a fake.
/// </summary>
internal interface IOperationHost
{
    AudioSeparationClientOptions Options { get; }

    ILogger Logger { get; }

    Task<OrchestratorPipelineResult> GetStatusAsync(string taskId, CancellationToken cancellationToken);

    Task<SeparationResult> GetResultAsync(long runId, CancellationToken cancellationToken);
}
