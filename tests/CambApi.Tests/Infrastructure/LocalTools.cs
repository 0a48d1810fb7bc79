namespace CambApi.Tests;

/// <summary>
/// Where the real servers the tests start are on this machine: on <c>PATH</c> first (any system), then where PostgreSQL
/// says (<c>pg_config --bindir</c>), then Debian's own folders. A test that needs one and finds none fails with one line
/// that says how to get it, or to run the suite without it (<c>bash build/test.sh --fast</c> needs neither).
/// </summary>
internal static class LocalTools
{
    public const string PostgresMissing =
        "PostgreSQL's server (initdb, pg_ctl) is not on PATH, in pg_config --bindir or under /usr/lib/postgresql: install it " +
        "(Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql; .ci/run does it), or run bash build/test.sh --fast";

    public const string ChromiumMissing =
        "Chromium is not on PATH or in /usr/bin: install it (Debian/Ubuntu: apt-get install chromium; .ci/run does it), or run bash build/test.sh --fast";

    public const string FakeTimeMissing =
        "libfaketime is not installed: install it (Debian/Ubuntu: apt-get install faketime; .ci/run does it), or run bash build/test.sh --fast";

    /// <summary>
    /// libfaketime (Debian's faketime package), preloaded into a process to give it a clock of its own, or null. The
    /// library itself rather than the faketime program: the program runs the command as its child, so a signal sent to
    /// the process a test started would stop the wrapper and leave the worker running.
    /// </summary>
    public static string? FakeTimeLibrary() =>
        new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib" }
            .SelectMany(lib => new[] { Path.Combine(lib, "faketime", "libfaketimeMT.so.1"), Path.Combine(lib, "faketime", "libfaketime.so.1") })
            .FirstOrDefault(File.Exists);

    /// <summary>The folder holding initdb and pg_ctl, or null.</summary>
    public static string? PostgresBin()
    {
        if (OnPath("initdb") is { } initdb && OnPath("pg_ctl") is not null)
        {
            return Path.GetDirectoryName(initdb);
        }

        if (OnPath("pg_config") is { } config && Commands.Run(config, "--bindir") is (0, var output) &&
            output.Trim() is { Length: > 0 } bindir && File.Exists(Path.Combine(bindir, "initdb")))
        {
            return bindir;
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
    }

    /// <summary>A Chromium (or Chrome) executable, or null.</summary>
    public static string? Chromium() =>
        new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" }.Select(OnPath).FirstOrDefault(p => p is not null)
        ?? new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
}
