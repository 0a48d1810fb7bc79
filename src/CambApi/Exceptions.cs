using System.Net.Http;
using System.Net.Sockets;
using CambApi.Client;

namespace CambApi;

// The failure model: every failure the library raises derives from CambException (in CambApi.Client, with the
// generated client's CambApiException). README "When things go wrong" lists them; the CLI maps each to one line.

/// <summary>The service finished the task without a result: ERROR, TIMEOUT or PAYMENT_REQUIRED.</summary>
public sealed class SeparationFailedException : CambException
{
    /// <summary>Task <paramref name="taskId"/> ended with <paramref name="status"/>.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="status">Its final status (ERROR, TIMEOUT, PAYMENT_REQUIRED, or one this version does not know).</param>
    /// <param name="exceptionReason">The service's <c>exception_reason</c>.</param>
    /// <param name="serviceMessage">The service's <c>message</c>, as text.</param>
    public SeparationFailedException(string taskId, SeparationStatus status, string? exceptionReason, string? serviceMessage)
        : base($"Separation task {taskId} ended with {status}" +
               (exceptionReason is null ? "" : $" ({exceptionReason})") +
               (serviceMessage is null ? "." : $": {serviceMessage}"))
    {
        Annotate(taskId);
        Status = status;
        ExceptionReason = exceptionReason;
        ServiceMessage = serviceMessage;
    }

    /// <summary>The terminal status (<see cref="SeparationStatus.Error"/>, <see cref="SeparationStatus.Timeout"/>, ...).</summary>
    public SeparationStatus Status { get; }

    /// <summary>The service's <c>exception_reason</c>, e.g. <c>SOURCE_TYPE_NOT_SUPPORTED</c>; open-ended.</summary>
    public string? ExceptionReason { get; }

    /// <summary>The service's <c>message</c>, as text (a JSON object is kept as its JSON).</summary>
    public string? ServiceMessage { get; }

    /// <summary>The service's <c>message</c> for the task.</summary>
    public override string? ServiceDetail => ServiceMessage;

    /// <summary>Only the service's own TIMEOUT may pass on a new task; ERROR and PAYMENT_REQUIRED will not.</summary>
    public override bool IsTransient => Status == SeparationStatus.Timeout;
}

/// <summary>
/// The task did not finish within <see cref="AudioSeparationClientOptions.MaxWait"/>. It may still finish:
/// resume with <see cref="AudioSeparationClient.ResumeSeparation"/> and <see cref="CambException.TaskId"/> — never upload again.
/// </summary>
public sealed class SeparationTimeoutException : CambException
{
    /// <summary>Task <paramref name="taskId"/> was still <paramref name="lastStatus"/> after <paramref name="waited"/>.</summary>
    /// <param name="taskId">The task, to resume with.</param>
    /// <param name="lastStatus">The last status read.</param>
    /// <param name="waited">How long it was waited for.</param>
    public SeparationTimeoutException(string taskId, SeparationStatus lastStatus, TimeSpan waited)
        : base($"Separation task {taskId} was still {lastStatus} after {waited.TotalSeconds:0} s; resume it later with its task id.")
    {
        Annotate(taskId);
        LastStatus = lastStatus;
        Waited = waited;
    }

    /// <summary>The last status read before giving up.</summary>
    public SeparationStatus LastStatus { get; }

    /// <summary>How long the task was waited for.</summary>
    public TimeSpan Waited { get; }

    /// <summary>Always: the task goes on; resume it later by its task id.</summary>
    public override bool IsTransient => true;
}

/// <summary>
/// One HTTP request got no answer within <see cref="AudioSeparationClientOptions.AttemptTimeout"/> on its last attempt
/// (after any retries the request allowed). Raised instead of the resilience library's own timeout type.
/// </summary>
public sealed class CambRequestTimeoutException : CambException
{
    /// <summary>A <paramref name="method"/> request to <paramref name="redactedUrl"/> got no answer within <paramref name="attemptTimeout"/>.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="redactedUrl">The URL without its query.</param>
    /// <param name="attemptTimeout">The time allowed per attempt.</param>
    /// <param name="inner">The timeout's own exception.</param>
    public CambRequestTimeoutException(string method, Uri? redactedUrl, TimeSpan attemptTimeout, Exception? inner = null)
        : base($"{method} {redactedUrl?.AbsolutePath ?? "(request)"} got no answer within {attemptTimeout.TotalSeconds:0.#} s.", innerException: inner)
    {
        Method = method;
        RedactedUrl = redactedUrl;
        AttemptTimeout = attemptTimeout;
    }

    /// <summary>The HTTP method of the request.</summary>
    public string Method { get; }

    /// <summary>The URL without its query (presigned signatures are credentials).</summary>
    public Uri? RedactedUrl { get; }

    /// <summary>The per-attempt limit that was reached.</summary>
    public TimeSpan AttemptTimeout { get; }

    /// <summary>Always: the next attempt may be answered.</summary>
    public override bool IsTransient => true;
}

/// <summary>Why a host could not be reached or an exchange with it broke off.</summary>
public enum ConnectionFailure
{
    /// <summary>Something else went wrong on the connection.</summary>
    Other,

    /// <summary>The host's name did not resolve (a misspelt host, no DNS).</summary>
    HostNotFound,

    /// <summary>Nothing listens at that address and port.</summary>
    Refused,

    /// <summary>The host or its network did not answer.</summary>
    Unreachable,

    /// <summary>The connection closed or was reset before the answer was complete.</summary>
    Reset,

    /// <summary>The TLS handshake failed (a certificate, a proxy in the way).</summary>
    SecureConnection,
}

/// <summary>
/// No answer could be had from a host (the API or storage): the transport failure — refused, DNS, reset, TLS — wrapped,
/// so callers never see <see cref="HttpRequestException"/> or a socket error.
/// </summary>
public sealed class CambConnectionException : CambException
{
    /// <summary><paramref name="host"/> could not be reached, for the reason <paramref name="failure"/>.</summary>
    /// <param name="host">The host name.</param>
    /// <param name="failure">What went wrong.</param>
    /// <param name="inner">The transport's exception.</param>
    public CambConnectionException(string host, ConnectionFailure failure, Exception? inner = null)
        : base($"Could not reach {host}: {Describe(failure)}.", innerException: inner)
    {
        Host = host;
        Failure = failure;
    }

    /// <summary>host[:port], never a path or a query.</summary>
    public string Host { get; }

    /// <summary>What went wrong with the connection.</summary>
    public ConnectionFailure Failure { get; }

    /// <summary><see cref="Failure"/> in a few words a person reads ("connection refused"); the CLI prints these.</summary>
    public string Reason => Describe(Failure);

    /// <summary>A name that does not resolve or a TLS failure will not fix itself; a refused or dropped connection may.</summary>
    public override bool IsTransient => Failure is not (ConnectionFailure.HostNotFound or ConnectionFailure.SecureConnection);

    internal static string Describe(ConnectionFailure failure) => failure switch
    {
        ConnectionFailure.HostNotFound => "the host name does not resolve",
        ConnectionFailure.Refused => "connection refused",
        ConnectionFailure.Unreachable => "no answer from the host",
        ConnectionFailure.Reset => "the connection was cut before the answer was complete",
        ConnectionFailure.SecureConnection => "the TLS handshake failed",
        _ => "the connection failed",
    };

    /// <summary>Classifies a transport exception from <see cref="HttpClient"/> or a response stream.</summary>
    internal static ConnectionFailure Classify(Exception e)
    {
        var socket = FindSocketError(e);
        if (e is HttpRequestException request)
        {
            switch (request.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                    return ConnectionFailure.HostNotFound;
                case HttpRequestError.SecureConnectionError:
                    return ConnectionFailure.SecureConnection;
                case HttpRequestError.ResponseEnded:
                    return ConnectionFailure.Reset;
            }
        }

        return socket switch
        {
            SocketError.ConnectionRefused => ConnectionFailure.Refused,
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => ConnectionFailure.HostNotFound,
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TimedOut or SocketError.HostDown => ConnectionFailure.Unreachable,
            SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => ConnectionFailure.Reset,
            _ when e is IOException || e is HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse } => ConnectionFailure.Reset,
            _ => ConnectionFailure.Other,
        };
    }

    private static SocketError? FindSocketError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }
}

/// <summary>
/// A track could not be downloaded completely, after resuming and, for an expired URL, fetching fresh URLs for the same
/// run. Nothing was left at the destination; the run's results can be downloaded again by <see cref="CambException.RunId"/>.
/// </summary>
public sealed class SeparationDownloadException : CambException
{
    /// <summary>A track could not be fetched from <paramref name="redactedUrl"/>.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="redactedUrl">The URL without its query (no signature).</param>
    /// <param name="statusCode">The storage host's HTTP status, if it answered.</param>
    /// <param name="inner">The cause.</param>
    /// <param name="isTransient">Whether trying again later may help.</param>
    public SeparationDownloadException(string message, Uri redactedUrl, int? statusCode = null, Exception? inner = null, bool isTransient = true)
        : base(message, statusCode, inner)
    {
        RedactedUrl = redactedUrl;
        IsTransient = isTransient;
    }

    /// <summary>The URL without its query (presigned signatures are credentials).</summary>
    public Uri RedactedUrl { get; }

    /// <summary>Whether trying again later may help (a storage 5xx or a network failure).</summary>
    public override bool IsTransient { get; }
}

/// <summary>
/// A track's destination is taken by a file the caller neither wrote nor allowed replacing (see
/// <see cref="SeparateFileOptions.Overwrite"/> and <see cref="SeparateFileOptions.MayReplace"/>). The file is left as it is
/// and nothing was downloaded. Found before anything is sent, <see cref="CambException.TaskId"/> is null; found when the
/// service had finished (the file appeared meanwhile), <see cref="CambException.RunId"/> says which run to download later.
/// </summary>
public sealed class SeparationOutputExistsException : CambException
{
    /// <summary>The file at <paramref name="path"/> would have been replaced.</summary>
    /// <param name="path">The existing file.</param>
    /// <param name="appearedMeanwhile">True when it appeared while the service worked (it was not there at the start).</param>
    public SeparationOutputExistsException(string path, bool appearedMeanwhile = false)
        : base(appearedMeanwhile
            ? $"'{path}' appeared while the service worked and was left as it is; pass overwrite to replace it."
            : $"'{path}' already exists; pass overwrite to replace it.")
    {
        Path = path;
        AppearedMeanwhile = appearedMeanwhile;
    }

    /// <summary>The existing file, untouched.</summary>
    public string Path { get; }

    /// <summary>True when the file appeared while the service worked; false when it was there before anything was sent.</summary>
    public bool AppearedMeanwhile { get; }

    /// <summary>False: trying again meets the same file.</summary>
    public override bool IsTransient => false;
}
