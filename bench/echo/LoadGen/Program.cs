using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// loadgen <port> <clients> <messages> [prefix] [pingpong|pipelined]
// pingpong (default): each client opens one connection and does <messages> request/reply round trips (send one
// message, read the whole echo: prefix + message) one after another.
// pipelined: each client writes all its messages without waiting while it reads the echoes, and checks that
// every echo came back (the server may answer several messages in one chunk, each behind its prefix).
// Prints messages/s over all clients.
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var messages = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
var prefix = Encoding.UTF8.GetBytes(args.Length > 3 ? args[3] : "");
var pipelined = args.Length > 4 && args[4] == "pipelined";

var sockets = new Socket[clients];
for (var i = 0; i < clients; i++)
{
    sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await sockets[i].ConnectAsync(IPAddress.Loopback, port);
}

var watch = Stopwatch.StartNew();
var counts = await Task.WhenAll(sockets.Select((s, c) => Task.Run(() => pipelined ? RunPipelined(s, c) : RunClient(s, c))));
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

async Task<long> RunPipelined(Socket socket, int client)
{
    var payload = Encoding.UTF8.GetBytes($"客户端 {client:D3} 的消息 payload-32");
    // The seed's server reads at most 100 bytes at a time and answers each read behind the prefix, so the number
    // of prefixes in the reply depends on how the server chunks; what must come back is every payload byte in order.
    var writer = Task.Run(async () =>
    {
        for (var m = 0; m < messages; m++) await socket.SendAsync(payload);
    });
    var expected = (long)payload.Length * messages;
    var buffer = new byte[64 * 1024];
    long payloadBytes = 0;
    var carry = new List<byte>();
    while (payloadBytes < expected)
    {
        var n = await socket.ReceiveAsync(buffer);
        if (n == 0) throw new IOException($"client {client}: server closed early");
        carry.AddRange(buffer.AsSpan(0, n).ToArray());
        // Strip every prefix occurrence; count the rest as payload bytes.
        var text = carry.ToArray();
        var kept = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (prefix.Length > 0 && text.Length - i >= prefix.Length && text.AsSpan(i, prefix.Length).SequenceEqual(prefix))
            {
                i += prefix.Length;
                continue;
            }
            if (prefix.Length > 0 && text.Length - i < prefix.Length && prefix.AsSpan().StartsWith(text.AsSpan(i))) break; // a prefix cut in two
            kept++;
            i++;
        }
        payloadBytes += kept;
        carry = [.. text.AsSpan(i).ToArray()];
    }
    await writer;
    return messages;
}
