namespace CambApi.Fleet;

/// <summary>
/// A worker's write-ahead note of every task id the vendor returned, kept beside the worker until the database holds it: a
/// paid task is never known only to a process that may die, or to a database that is away. One small file a task, written
/// whole (a temporary file moved into place) before the row is written and removed after; whatever is left — the database
/// was down, the worker was killed between the answer and the row — is written to the rows on the next start or when the
/// database is back. Writing it twice is harmless: the task checkpoint accepts the id it already holds.
/// </summary>
internal sealed class TaskSpool(string folder)
{
    private const string Extension = ".task";

    public string Folder => folder;

    public void Write(string sha256, long attempt, string taskId)
    {
        Directory.CreateDirectory(folder);
        var path = PathOf(sha256, attempt);
        var temporary = path + ".partial";
        File.WriteAllText(temporary, taskId);
        File.Move(temporary, path, overwrite: true);
    }

    public void Remove(string sha256, long attempt) => File.Delete(PathOf(sha256, attempt));

    /// <summary>Task ids not yet in the rows.</summary>
    public IReadOnlyList<SpooledTask> Pending()
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var pending = new List<SpooledTask>();
        foreach (var path in Directory.EnumerateFiles(folder, "*" + Extension))
        {
            if (Path.GetFileNameWithoutExtension(path).Split('-') is [var sha, var attempt] && long.TryParse(attempt, out var number) &&
                File.ReadAllText(path).Trim() is { Length: > 0 } taskId)
            {
                pending.Add(new SpooledTask(sha, number, taskId));
            }
        }

        return pending;
    }

    private string PathOf(string sha256, long attempt) => Path.Combine(folder, $"{sha256}-{attempt}{Extension}");
}
