using System.Diagnostics;
using Npgsql;

namespace CambApi.Tests;

/// <summary>
/// A real PostgreSQL server for this test run, from the machine's own installation (<see cref="LocalTools.PostgresBin"/>;
/// <c>.ci/run</c> installs Debian's package where it is missing): a throwaway
/// cluster made with initdb in a temporary folder, on a free loopback port, with fsync off; started once, on first use,
/// and stopped by its PID when the run ends (<see cref="TestRunCleanup"/>). Each test takes a database of its own.
/// </summary>
internal sealed class PostgresServer
{
    private static readonly Lazy<PostgresServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static bool _started;

    private readonly string _folder;

    private PostgresServer(string folder, int port, int pid)
    {
        _folder = folder;
        Port = port;
        Pid = pid;
    }

    public int Port { get; }

    public int Pid { get; }

    /// <summary>The server, started on first use.</summary>
    public static PostgresServer Instance => Shared.Value;

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

        var data = Path.Combine(folder, "data");
        Run(asRoot, Path.Combine(bin!, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8");
        var port = LoopbackPorts.Free();
        Run(asRoot, Path.Combine(bin!, "pg_ctl"), "-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "start",
            "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        var pid = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        _started = true;
        return new PostgresServer(folder, port, pid);
    }

    /// <summary>Stops the server by its PID (a fast shutdown) and removes its folder; nothing if it never started.</summary>
    public static void StopIfStarted()
    {
        if (!_started)
        {
            return;
        }

        var server = Shared.Value;
        try
        {
            using var process = Process.GetProcessById(server.Pid);
            Run("kill", "-INT", server.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            process.WaitForExit(30_000);
        }
        catch (ArgumentException)
        {
            // already gone
        }

        Directory.Delete(server._folder, recursive: true);
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
