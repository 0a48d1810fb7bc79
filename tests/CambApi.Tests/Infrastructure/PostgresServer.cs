using System.Diagnostics;
using Npgsql;

namespace CambApi.Tests;

/// <summary>
/// A real PostgreSQL server from the machine's own installation (<see cref="LocalTools.PostgresBin"/>; <c>.ci/run</c>
/// installs Debian's package where it is missing): a throwaway cluster made with initdb in a temporary folder, on a free
/// loopback port, with fsync off. <see cref="Instance"/> is the run's server, started once on first use and stopped by its
/// PID when the run ends (<see cref="TestRunCleanup"/>); each test takes a database of its own on it. A test that stops and
/// restarts its server (an outage) takes one of its own (<see cref="StartOwn"/>), stopped by its PID when disposed.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<PostgresServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _folder;
    private readonly string _bin;
    private readonly bool _asRoot;

    private PostgresServer(string folder, string bin, bool asRoot, int port)
    {
        (_folder, _bin, _asRoot, Port) = (folder, bin, asRoot, port);
    }

    public int Port { get; }

    /// <summary>The postmaster's PID now (it changes with a restart); null while stopped.</summary>
    public int? Pid => File.Exists(PidFile) ? int.Parse(File.ReadLines(PidFile).First(), System.Globalization.CultureInfo.InvariantCulture) : null;

    private string Data => Path.Combine(_folder, "data");

    private string PidFile => Path.Combine(Data, "postmaster.pid");

    /// <summary>The run's server, started on first use.</summary>
    public static PostgresServer Instance => Shared.Value;

    /// <summary>A server for one test, which may stop and start it; dispose it to stop it for good.</summary>
    public static PostgresServer StartOwn() => Start();

    /// <summary>A new, empty database; its Npgsql connection string.</summary>
    public string CreateDatabase()
    {
        var name = "fleet_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        return ConnectionString(name);
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=10";

    /// <summary>Stops the server as a failover or an upgrade does (a fast shutdown: sessions are ended); its data stays.</summary>
    public void Stop() => Run(_asRoot, Path.Combine(_bin, "pg_ctl"), "-D", Data, "-m", "fast", "-w", "-t", "60", "stop");

    /// <summary>Starts it again on the same port.</summary>
    public void Restart() => Launch(_asRoot, _bin, _folder, Port);

    private static PostgresServer Start()
    {
        var bin = LocalTools.PostgresBin();
        Assert.That(bin, Is.Not.Null, LocalTools.PostgresMissing);

        var folder = Directory.CreateTempSubdirectory("camb-pg-").FullName;
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres user, as Debian's own do.
            Run("chown", "-R", "postgres:postgres", folder);
        }

        Run(asRoot, Path.Combine(bin!, "initdb"), "-D", Path.Combine(folder, "data"), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8");
        var port = LoopbackPorts.Free();
        Launch(asRoot, bin!, folder, port);
        return new PostgresServer(folder, bin!, asRoot, port);
    }

    private static void Launch(bool asRoot, string bin, string folder, int port) =>
        Run(asRoot, Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "start",
            "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");

    /// <summary>Stops the run's server by its PID (a fast shutdown) and removes its folder; nothing if it never started.</summary>
    public static void StopIfStarted()
    {
        if (Shared.IsValueCreated)
        {
            Shared.Value.Dispose();
        }
    }

    /// <summary>Stops this server by its PID and removes its folder.</summary>
    public void Dispose()
    {
        if (Pid is { } pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                Run("kill", "-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                process.WaitForExit(30_000);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }

        Directory.Delete(_folder, recursive: true);
    }

    private static void Run(bool asPostgres, string file, params string[] args) =>
        Run(asPostgres ? "runuser" : file, asPostgres ? ["-u", "postgres", "--", file, .. args] : args);

    private static void Run(string file, params string[] args)
    {
        var (exit, output) = Commands.Run(file, args);
        Assert.That(exit, Is.Zero, $"{file} {string.Join(' ', args)} failed:\n{output}");
    }
}

/// <summary>What the whole test run started and must stop: the PostgreSQL server.</summary>
[SetUpFixture]
public sealed class TestRunCleanup
{
    [OneTimeTearDown]
    public void StopServers() => PostgresServer.StopIfStarted();
}
