using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Module;

/// <summary>
/// Issue 12 item 8: a switch that is on by default can only be turned off with -Name:$false, which nobody guesses.
/// Every switch of every cmdlet starts off; behaviour that is on by default gets an opt-out switch with a positive name.
/// </summary>
public class SwitchDefaultTests
{
    [Fact]
    public void No_switch_parameter_is_on_by_default()
    {
        var r = Ps.Run("""
            foreach ($command in Get-Command -Module PSNetTools -CommandType Cmdlet) {
                $instance = [Activator]::CreateInstance($command.ImplementingType)
                foreach ($p in $command.Parameters.Values.Where({ $_.SwitchParameter })) {
                    $property = $command.ImplementingType.GetProperty($p.Name)
                    if ($property -and $property.GetValue($instance).IsPresent) { "$($command.Name) -$($p.Name)" }
                }
            }
            """);
        r.AssertNoErrors();
        Assert.Empty(r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void The_opt_out_switches_have_positive_names()
    {
        var r = Ps.Run("""
            (Get-Command Invoke-Crawl).Parameters.ContainsKey('IgnoreRobotsTxt')
            (Get-Command Invoke-Crawl).Parameters.ContainsKey('RespectRobotsTxt')
            (Get-Command Get-ImapMessage).Parameters.ContainsKey('MarkRead')
            (Get-Command Get-ImapMessage).Parameters.ContainsKey('Peek')
            """);
        r.AssertNoErrors();
        Assert.Equal([true, false, true, false], r.Output.Select(o => o.BaseObject));
    }
}
