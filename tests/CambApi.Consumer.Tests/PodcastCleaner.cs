using CambApi;
using CambApi.Client;

namespace Consumer;

/// <summary>A consumer's own code under test: keeps the voice of an episode, reports what happened.</summary>
public sealed class PodcastCleaner(AudioSeparationClient camb)
{
    public async Task<string> KeepVoiceAsync(string episodePath, string outputDirectory, CancellationToken cancellationToken = default)
    {
        var operation = await camb.StartSeparationAsync(episodePath, cancellationToken: cancellationToken);
        try
        {
            var result = await operation.WaitForCompletionAsync(cancellationToken);
            var files = await camb.DownloadAsync(result, outputDirectory, Path.GetFileNameWithoutExtension(episodePath), cancellationToken: cancellationToken);
            return files.ForegroundPath;
        }
        catch (SeparationFailedException e) when (e.Status == SeparationStatus.PaymentRequired)
        {
            return $"no credits left for task {operation.TaskId}";
        }
    }

    /// <summary>Status used next to System.Threading.Tasks (implicit usings): no CS0104 since TaskStatus became SeparationStatus.</summary>
    public static bool IsDone(SeparationStatus status, Task pending) => status.IsTerminal || pending.Status == TaskStatus.RanToCompletion;
}
