namespace CambApi;

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
