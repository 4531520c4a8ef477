using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.WebSockets;

/// <summary>Issue 13 item 13: Send-WebSocketMessage sends arbitrary bytes (Autobahn 1.2.x), not only the UTF-8 of strings.</summary>
public sealed class BinaryMessageTests
{
    [Fact]
    public void Byte_arrays_go_out_as_they_are_from_the_pipeline_and_by_parameter()
    {
        var r = Ps.Run("""
            $ws = Start-WebSocketEchoServer -Port 0
            # 0xFF and a lone 0xC0 are not UTF-8: as a string they could not have been sent at all.
            $arrays = [byte[]](0, 1, 0xC0, 254, 255), [byte[]]@()
            $replies = @($arrays | Send-WebSocketMessage -Uri $ws.Endpoint)
            foreach ($x in $replies) { '{0}|{1}|{2}' -f $x.MessageType, $x.SentBytes, ($x.GetReceivedData() -join ',') }
            $one = Send-WebSocketMessage -Uri $ws.Endpoint -InputObject ([byte[]](7, 8))
            '{0}|{1}' -f $one.MessageType, ($one.GetReceivedData() -join ',')
            (Send-WebSocketMessage -Uri $ws.Endpoint -Message 'text still').Received
            Send-WebSocketMessage -Uri $ws.Endpoint -ErrorAction SilentlyContinue -ErrorVariable nothing
            $nothing[0].FullyQualifiedErrorId.Split(',')[0]
            $ws | Stop-NetServer
            """);
        Assert.Null(r.Terminating);
        Assert.Equal(["Binary|5|0,1,192,254,255", "Binary|0|", "Binary|7,8", "text still", "NothingToSend"], r.Output.Select(o => o.ToString()));
    }
}
