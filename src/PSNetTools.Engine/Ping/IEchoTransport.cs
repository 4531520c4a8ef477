using System.Net;

namespace PSNetTools.Ping;

/// <summary>Sends one echo request and waits for its answer; shared by all hosts of a run.</summary>
internal interface IEchoTransport : IDisposable
{
    Task<(PingStatus Status, double RoundTripMs, int Ttl, IPAddress? From)> PingAsync(IPAddress address, TimeSpan timeout, CancellationToken cancellationToken);
}
