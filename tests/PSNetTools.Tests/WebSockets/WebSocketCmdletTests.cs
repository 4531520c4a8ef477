using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.WebSockets;

public sealed class WebSocketCmdletTests
{
    [Fact]
    public void The_issue_example_sends_every_message_over_one_connection()
    {
        var r = Ps.Run("""
            $ws = Start-WebSocketEchoServer -Port 0
            $rows = 'Hello WebSocket', 'second' | Send-WebSocketMessage -Uri "ws://127.0.0.1:$($ws.Port)/"
            $rows | ForEach-Object { "$($_.Index)|$($_.Sent)|$($_.Received)|$($_.MessageType)|$($_.RoundTripMs -gt 0)" }
            $ws.ConnectionsAccepted
            $ws | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal(["1|Hello WebSocket|Hello WebSocket|Text|True", "2|second|second|Text|True", 1L], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Sessions_against_npm_ws_connect_send_receive_disconnect()
    {
        var (peer, url) = RpcPeers.NodeWsEcho();
        using (peer)
        {
            var r = Ps.Run($$"""
                $s = Connect-WebSocket '{{url}}' -Subprotocol echo
                $s.Subprotocol; $s.State
                (Send-WebSocketMessage -Session $s -Message 'bin' -Binary).MessageType
                Send-WebSocketMessage -Session $s -Message 'push3' -NoResponse > $null
                (Receive-WebSocketMessage $s -Count 3 | ForEach-Object Text) -join ','
                $c = $s | Disconnect-WebSocket -PassThru
                $c.State; $c.CloseStatus; $c.MessagesSent
                """);
            r.AssertNoErrors();
            Assert.Equal(["echo", "Open", "Binary", "push 1,push 2,push 3", "Closed", "NormalClosure", 2L], r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void Python_websockets_peer_echoes_the_pipeline()
    {
        var (peer, url) = RpcPeers.PythonWsEcho();
        using (peer)
        {
            var r = Ps.Run($$"""
                (1..50 | ForEach-Object { "m$_" } | Send-WebSocketMessage '{{url}}' -Binary | Where-Object { $_.Received -eq $_.Sent -and $_.MessageType -eq 'Binary' }).Count
                """);
            r.AssertNoErrors();
            Assert.Equal(50, r.One().BaseObject);
        }
    }

    [Fact]
    public void Bad_input_and_broken_connections_give_clear_errors_without_hanging()
    {
        var (peer, url) = RpcPeers.NodeWsEcho();
        using (peer)
        {
            var port = Loopback.FreeTcpPort();
            var r = Ps.Run($$"""
                'x' | Send-WebSocketMessage 'http://127.0.0.1/'
                Connect-WebSocket 'ftp://127.0.0.1/'
                'x' | Send-WebSocketMessage 'ws://127.0.0.1:{{port}}/' -TimeoutSec 5
                $s = Connect-WebSocket '{{url}}'
                Receive-WebSocketMessage $s -TimeoutSec 0.3
                $s.State
                @('a', 'close-now', 'never sent') | Send-WebSocketMessage '{{url}}' | ForEach-Object Received
                'still running'
                """, timeoutSec: 60);
            Assert.Equal(["UnsupportedScheme", "UnsupportedScheme", "ConnectionRefused", "Timeout", "ConnectionClosed"],
                r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.Equal(["Open", "a", "still running"], r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void Ctrl_c_stops_a_receive_that_waits_forever()
    {
        var r = Ps.RunAndStop("""
            $ws = Start-WebSocketEchoServer -Port 0 -Name ctrlc-ws
            $s = Connect-WebSocket $ws.Endpoint
            Receive-WebSocketMessage $s
            """, TimeSpan.FromSeconds(3), timeoutSec: 30);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(25));
        Ps.Run("Stop-NetServer -Name ctrlc-ws").AssertNoErrors();
    }

    [Fact]
    public void Ctrl_c_stops_an_endless_pipeline_of_messages()
    {
        var r = Ps.RunAndStop("""
            $ws = Start-WebSocketEchoServer -Port 0 -Name ctrlc-ws-send
            1..100000000 | ForEach-Object { "m$_" } | Send-WebSocketMessage $ws.Endpoint
            """, TimeSpan.FromSeconds(3), timeoutSec: 30);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"took {r.Elapsed}");
        Assert.NotEmpty(r.Output);
        var after = Ps.Run("""
            $ws = Get-NetServer -Name ctrlc-ws-send
            (Send-WebSocketMessage $ws.Endpoint -Message 'still there').Received
            $ws | Stop-NetServer
            """);
        after.AssertNoErrors();
        Assert.Equal("still there", after.One().BaseObject);
    }

    [Fact]
    public void Server_parameters_and_a_taken_port()
    {
        var r = Ps.Run("""
            $a = Start-WebSocketEchoServer -Port 0 -ResponsePrefix '> ' -Name ws-prefix
            (Send-WebSocketMessage $a.Endpoint -Message 'hi').Received
            $a.Protocol; $a.Endpoint -like 'ws://127.0.0.1:*/'
            Start-WebSocketEchoServer -Port $a.Port
            Start-WebSocketEchoServer -Name ws-prefix
            # The refused second listener must not have taken the first one's port away with it.
            (Send-WebSocketMessage $a.Endpoint -Message 'again').Received
            $a | Stop-NetServer
            'still running'
            """);
        Assert.Equal(["PortInUse", "ServerNameInUse"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(["> hi", "WebSocketEcho", true, "> again", "still running"], r.Output.Select(o => o.BaseObject));
    }
}
