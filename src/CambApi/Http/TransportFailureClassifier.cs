using System.Net.Sockets;

namespace CambApi.Http;

/// <summary>
/// What kind of transport failure an exception from <see cref="HttpClient"/> or a response stream is: the reason a
/// <see cref="CambConnectionException"/> carries. Used by <see cref="FailureTranslationHandler"/>, next to it.
/// </summary>
internal static class TransportFailureClassifier
{
    /// <summary>Classifies a transport exception from <see cref="HttpClient"/> or a response stream.</summary>
    public static ConnectionFailure Classify(Exception e)
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
