using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// loadgen <port> <clients> <messages> [prefix]
// Each client opens one connection and does <messages> request/reply round trips (send one message, read the
// whole echo: prefix + message) one after another. Prints messages/s over all clients.
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var messages = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
var prefix = Encoding.UTF8.GetBytes(args.Length > 3 ? args[3] : "");

var sockets = new Socket[clients];
for (var i = 0; i < clients; i++)
{
    sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await sockets[i].ConnectAsync(IPAddress.Loopback, port);
}

var watch = Stopwatch.StartNew();
var counts = await Task.WhenAll(sockets.Select((s, c) => Task.Run(() => RunClient(s, c))));
watch.Stop();
foreach (var s in sockets) s.Dispose();

var total = counts.Sum();
var rate = total / watch.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total} messages in {watch.Elapsed.TotalSeconds:0.000} s = {rate:0} messages/s"));
return total == (long)clients * messages ? 0 : 1;

async Task<long> RunClient(Socket socket, int client)
{
    var payload = Encoding.UTF8.GetBytes($"客户端 {client:D3} 的消息 payload-32");
    var expected = prefix.Concat(payload).ToArray();
    var buffer = new byte[expected.Length * 2];
    long done = 0;
    for (var m = 0; m < messages; m++)
    {
        await socket.SendAsync(payload);
        var got = 0;
        while (got < expected.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(got));
            if (n == 0) throw new IOException($"client {client}: server closed after {done} messages");
            got += n;
        }
        if (!buffer.AsSpan(0, expected.Length).SequenceEqual(expected)) throw new IOException($"client {client}: wrong echo");
        done++;
    }
    return done;
}
