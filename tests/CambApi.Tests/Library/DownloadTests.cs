using CambApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Tests;

/// <summary>Downloading the tracks: whole or nothing at the destination, an existing file untouched, http refused off loopback.</summary>
[TestFixture]
public sealed class DownloadTests : WorkflowFixture
{
    [Test]
    public async Task Truncated_download_leaves_nothing_at_the_destination()
    {
        using var client = Client(storageTransport: new TruncatingStorage(declared: 1000, actual: 10));
        var output = Path.Combine(WorkDir, "out");
        var result = new SeparationResult(1, new Uri("https://storage.example/f.wav?sig=1"), new Uri("https://storage.example/b.wav?sig=2"));

        var error = await Assert.ThrowsAsync<SeparationDownloadException>(() => client.DownloadAsync(result, output, "x"));

        Assert.That(error!.Message, Does.Not.Contain("sig="));
        Assert.That(Directory.GetFiles(output), Is.Empty, "neither the destination nor a temporary file remains");
    }

    [Test]
    public async Task Failed_download_keeps_an_existing_file_untouched()
    {
        var output = Directory.CreateDirectory(Path.Combine(WorkDir, "out")).FullName;
        var existing = Path.Combine(output, "x.foreground.wav");
        File.WriteAllText(existing, "previous good file");
        using var client = Client(storageTransport: new TruncatingStorage(declared: 1000, actual: 10));
        var result = new SeparationResult(1, new Uri("https://storage.example/f.wav"), new Uri("https://storage.example/b.wav"));

        await Assert.ThrowsAsync<SeparationDownloadException>(() => client.DownloadAsync(result, output, "x", overwrite: true));

        Assert.That(File.ReadAllText(existing), Is.EqualTo("previous good file"));
    }

    [Test]
    public async Task Plain_http_storage_urls_off_loopback_are_refused()
    {
        using var client = Client();
        var result = new SeparationResult(1, new Uri("http://storage.example/f.wav"), new Uri("https://storage.example/b.wav"));
        // A guard, not a timing: if the URL check were gone, the request would wait on fake time forever; this makes it fail.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<ArgumentException>(() => client.DownloadAsync(result, WorkDir, "x", cancellationToken: guard.Token));
        Assert.That(Directory.EnumerateFileSystemEntries(WorkDir), Is.Empty, "refused before anything was written");
    }

    private sealed class TruncatingStorage(int declared, int actual) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(new byte[actual]);
            content.Headers.ContentLength = declared;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
