using CambApi.Simulator;

namespace CambApi.Consumer.Tests.WithSimulator;

/// <summary>
/// Each test runs in a fresh folder holding one short WAV named <c>inputName</c>, as the current directory: the examples
/// use relative paths ("talk.wav", "out"), as a reader's code would.
/// </summary>
public abstract class InAudioFolder(string inputName)
{
    private string _dir = null!;
    private string _previousDirectory = null!;

    [SetUp]
    public async Task EnterFolder()
    {
        _dir = Directory.CreateTempSubdirectory("cambapi-consumer-").FullName;
        var tone = new PcmWav(16000, 1, 16, Enumerable.Range(0, 1600).Select(i => (int)(Math.Sin(i * 0.1) * 8000)).ToArray());
        await File.WriteAllBytesAsync(Path.Combine(_dir, inputName), tone.ToBytes());
        _previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(_dir);
    }

    [TearDown]
    public void LeaveFolder()
    {
        Directory.SetCurrentDirectory(_previousDirectory);
        Directory.Delete(_dir, true);
    }
}
