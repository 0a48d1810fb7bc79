namespace CambApi.Client;

// Type-level docs for generated types whose schemas have no description (FastAPI names them after Python classes).
// Partial declarations: the compiler merges these summaries into the generated types; no generated file is touched.

/// <summary>
/// The generated REST client: one method per operation of openapi/camb-api.yaml, on the <see cref="System.Net.Http.HttpClient"/>
/// it is given (its <c>BaseAddress</c> is the API root). <c>AudioSeparationClient.Rest</c> is one on the library's pipeline.
/// </summary>
public partial class CambApiRestClient;

/// <summary>The answer to a create request: the id of the new separation task.</summary>
public partial class OrchestratorPipelineCallResult;

/// <summary>A task's status; a run id once it succeeded, a reason once it failed.</summary>
public partial class OrchestratorPipelineResult;

/// <summary>The body of a batch result request: the run ids to fetch.</summary>
public partial class RunIDsRequestPayload;

/// <summary>A finished run's download URLs (presigned: they expire).</summary>
public partial class AudioSeparationRunInfoResponse;

/// <summary>FastAPI's 422 body: one entry per invalid input.</summary>
public partial class HTTPValidationError;

/// <summary>One invalid input: where (<c>loc</c>), what (<c>msg</c>) and the kind of error (<c>type</c>).</summary>
public partial class ValidationError;

/// <summary>The multipart form of a create request (sent by <c>CreateAudioSeparationAsync</c> as separate parameters).</summary>
public partial class CreateAudioSeparationRequest;

/// <summary>A file to upload: its stream, name and content type.</summary>
public partial class FileParameter;
