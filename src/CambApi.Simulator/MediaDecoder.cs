using FFMpegCore;
using FFMpegCore.Exceptions;

namespace CambApi.Simulator;

/// <summary>
/// Turns an upload into integer PCM: WAV is read directly; MP3, FLAC and AAC go through ffmpeg (FFMpegCore)
/// when an ffmpeg binary is on PATH. Without one, other formats are refused as the service refuses what it
/// cannot read (<c>SOURCE_TYPE_NOT_SUPPORTED</c>).
/// </summary>
internal static class MediaDecoder
{
    public static bool FfmpegAvailable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg")));

    /// <exception cref="NotSupportedException">Not WAV, and no ffmpeg to decode it.</exception>
    /// <exception cref="InvalidDataException">The bytes do not decode.</exception>
    public static async Task<PcmWav> DecodeAsync(string fileName, byte[] data, bool useFfmpeg, CancellationToken cancellationToken)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (extension == ".wav")
        {
            return PcmWav.Read(data);
        }

        if (!useFfmpeg || !FfmpegAvailable)
        {
            throw new NotSupportedException($"'{extension}' needs ffmpeg to decode, and {(useFfmpeg ? "none is installed" : "the simulator was told not to use it")}.");
        }

        var directory = Directory.CreateTempSubdirectory("camb-sim-");
        try
        {
            var input = Path.Combine(directory.FullName, "input" + extension);
            var output = Path.Combine(directory.FullName, "decoded.wav");
            await File.WriteAllBytesAsync(input, data, cancellationToken).ConfigureAwait(false);
#pragma warning disable CA2016 // the token reaches ffmpeg through CancellableThrough, FFMpegCore's way
            await FFMpegArguments.FromFileInput(input)
                .OutputToFile(output, overwrite: true, o => o.WithAudioCodec("pcm_s16le").ForceFormat("wav"))
                .CancellableThrough(cancellationToken)
                .ProcessAsynchronously(true, null).ConfigureAwait(false);
#pragma warning restore CA2016
            return PcmWav.Read(await File.ReadAllBytesAsync(output, cancellationToken).ConfigureAwait(false));
        }
        catch (FFMpegException e)
        {
            throw new InvalidDataException($"ffmpeg could not decode the {extension} file: {e.Message.Split('\n')[0]}", e);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
