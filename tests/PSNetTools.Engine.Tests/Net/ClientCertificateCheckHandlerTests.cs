using System.Net;
using System.Net.Sockets;
using PSNetTools.Net;

namespace PSNetTools.Engine.Tests.Net;

/// <summary>
/// The check that asks a server, after a request failed past its handshake, whether it wanted a client certificate:
/// once per server for a while, and without a list that grows for as long as the session runs (the module's
/// XML-RPC clients are shared by every call of the session).
/// </summary>
public sealed class ClientCertificateCheckHandlerTests
{
    // What SocketsHttpHandler throws when the server reset the connection after the handshake.
    private sealed class ResetHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("An error occurred while sending the request.",
                new IOException("Unable to write data to the transport connection: Broken pipe.", new SocketException((int)SocketError.Shutdown)));
    }

    [Fact]
    public async Task One_probe_answers_every_failed_request_to_a_server()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var invoker = new HttpMessageInvoker(new ClientCertificateCheckHandler(new ResetHandler(), System.Net.Security.SslApplicationProtocol.Http11));
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{port}/{i}"), default));
        }
        // The probe connected once (and, never answered a ClientHello, gave up); the other two failures took its answer.
        using var first = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task Answers_out_of_date_are_forgotten_before_the_list_grows()
    {
        var handler = new ClientCertificateCheckHandler(new ResetHandler(), System.Net.Security.SslApplicationProtocol.Http11, remembered: TimeSpan.Zero);
        using var invoker = new HttpMessageInvoker(handler);
        // 100 servers, each refusing the probe at once (nothing listens on these loopback ports).
        for (var port = 1; port <= 100; port++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{port}/"), default));
        }
        Assert.InRange(handler.Remembering, 1, 64);
    }

    [Fact]
    public async Task A_plain_http_request_is_never_probed()
    {
        var handler = new ClientCertificateCheckHandler(new ResetHandler(), System.Net.Security.SslApplicationProtocol.Http11, remembered: TimeSpan.FromMinutes(1));
        using var invoker = new HttpMessageInvoker(handler);
        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/"), default));
        Assert.Equal(0, handler.Remembering);
    }
}
