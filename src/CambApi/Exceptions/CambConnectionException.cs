namespace CambApi;

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
}
