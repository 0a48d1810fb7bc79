using FFMpegCore;
using FFMpegCore.Exceptions;

namespace CambApi.Simulator;

/// <summary>Why an upload cannot be separated, in the service's <c>exception_reason</c> terms.</summary>
internal sealed class UndecodableMediaException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Turns an upload into integer PCM the way the service judges it: by its bytes, not its name. No audio
/// signature is INVALID_SOURCE_DATA; a known extension that names another format is
/// CONTENT_DOES_NOT_MATCH_EXTENSION; a name that claims nothing ("blob", what SDKs send for a buffer) is fine.
/// WAV is read directly; MP3, FLAC and AAC go through ffmpeg (FFMpegCore) when an ffmpeg binary is on PATH;
/// without one they are refused as SOURCE_TYPE_NOT_SUPPORTED (a limit of this simulator, said in the message).
/// </summary>
internal static class MediaDecoder
{
    public static bool FfmpegAvailable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg")));

    /// <exception cref="UndecodableMediaException">The service would end the task in ERROR with this reason.</exception>
    public static async Task<PcmWav> DecodeAsync(string fileName, byte[] data, bool useFfmpeg, CancellationToken cancellationToken)
    {
        var format = AudioSniffer.Sniff(data);
        if (format == AudioFormat.Unknown)
        {
            throw new UndecodableMediaException("INVALID_SOURCE_DATA", $"{fileName} does not hold WAV, MP3, FLAC or AAC audio.");
        }

        if (AudioSniffer.Claimed(fileName) is { } claimed && claimed != format)
        {
            throw new UndecodableMediaException("CONTENT_DOES_NOT_MATCH_EXTENSION", $"{fileName} holds {Describe(format)} audio, not {Describe(claimed)}.");
        }

        if (format == AudioFormat.Unsupported)
        {
            throw new UndecodableMediaException("SOURCE_TYPE_NOT_SUPPORTED", $"{fileName}: only WAV, MP3, FLAC and AAC are supported.");
        }

        if (format == AudioFormat.Wav)
        {
            try
            {
                return PcmWav.Read(data);
            }
            catch (InvalidDataException e)
            {
                throw new UndecodableMediaException("INVALID_SOURCE_DATA", $"{fileName}: {e.Message}");
            }
        }

        if (!useFfmpeg || !FfmpegAvailable)
        {
            throw new UndecodableMediaException("SOURCE_TYPE_NOT_SUPPORTED",
                $"{Describe(format)} needs ffmpeg to decode in the simulator, and {(useFfmpeg ? "none is installed" : "the simulator was told not to use it")}.");
        }

        var directory = Directory.CreateTempSubdirectory("camb-sim-");
        try
        {
            var input = Path.Combine(directory.FullName, "input" + AudioSniffer.Extension(format));
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
            throw new UndecodableMediaException("INVALID_SOURCE_DATA", $"{fileName}: the {Describe(format)} data does not decode ({e.Message.Split('\n')[0]}).");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Describe(AudioFormat format) => format == AudioFormat.Unsupported ? "Ogg" : format.ToString().ToUpperInvariant();
}
