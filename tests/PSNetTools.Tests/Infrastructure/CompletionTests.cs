using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Infrastructure;

public class CompletionTests
{
    [Fact]
    public void Server_names_complete_from_the_running_servers()
    {
        var r = Ps.Run("""
            $a = Start-TcpEchoServer -Name 'completion-alpha'
            $b = Start-TcpEchoServer -Name 'completion-beta'
            try {
                $line = 'Stop-NetServer -Name completion-a'
                (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
                $line = 'Get-NetServer completion-'
                (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
            } finally { $a, $b | Stop-NetServer }
            """);
        r.AssertNoErrors();
        var texts = r.Output.Select(o => o.ToString()).ToList();
        Assert.Equal(["completion-alpha", "completion-alpha", "completion-beta"], texts);
    }
}
