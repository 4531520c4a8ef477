using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Infrastructure;

/// <summary>
/// Issue 11 point 4: one converter for every dictionary a user passes. [ordered] did not bind to the Hashtable
/// parameters at all, and a generic Dictionary crashed Invoke-XmlRpc -Argument with InvalidCastException.
/// </summary>
public sealed class DictionaryParameterTests
{
    private static readonly string[] KindNames = ["hashtable", "ordered", "generic", "typed"];
    private static readonly string[] Cmdlets = ["Test-HttpEndpoint", "Invoke-Scrape", "Invoke-Crawl"];

    private const string Kinds = """
        $kinds = [ordered]@{
            hashtable = @{ 'X-Test' = 'v' }
            ordered   = [ordered]@{ 'X-Test' = 'v' }
            generic   = [Collections.Generic.Dictionary[string, object]]::new()
            typed     = [Collections.Generic.Dictionary[string, string]]::new()
        }
        $kinds.generic['X-Test'] = 'v'; $kinds.typed['X-Test'] = 'v'
        """;

    [Fact]
    public void Every_kind_of_dictionary_reaches_the_server_as_headers()
    {
        var r = Ps.Run(Kinds + """

            $web = Start-HttpServer -Port 0 -Route @{
                'GET /'     = { param($Request) [AppDomain]::CurrentDomain.SetData('psnt-seen', $Request.Headers['X-Test']); '<html><a href="/">x</a></html>' }
            }
            try {
                foreach ($kind in $kinds.Keys) {
                    foreach ($cmd in 'Test-HttpEndpoint', 'Invoke-Scrape', 'Invoke-Crawl') {
                        [AppDomain]::CurrentDomain.SetData('psnt-seen', $null)
                        $null = & $cmd $web.Endpoint -Headers $kinds[$kind] -ErrorAction Stop
                        "$kind $cmd $([AppDomain]::CurrentDomain.GetData('psnt-seen'))"
                    }
                }
            } finally { $web | Stop-NetServer }
            """);
        r.AssertNoErrors();
        var expected = KindNames.SelectMany(k => Cmdlets.Select(c => $"{k} {c} v"));
        Assert.Equal(expected, r.Output.Select(o => o.BaseObject.ToString()));
    }

    [Fact]
    public void Every_kind_of_dictionary_is_an_xmlrpc_struct()
    {
        var r = Ps.Run(Kinds + """

            $rpc = Start-XmlRpcServer -Port 0 -Method @{ get = { param($s) $s.'X-Test' } }
            try {
                foreach ($kind in $kinds.Keys) { "$kind $(Invoke-XmlRpc "http://127.0.0.1:$($rpc.Port)/RPC2" -Method get -Argument (,$kinds[$kind]) -Headers $kinds[$kind] -ErrorAction Stop)" }
            } finally { $rpc | Stop-NetServer }
            """);
        r.AssertNoErrors();
        Assert.Equal(["hashtable v", "ordered v", "generic v", "typed v"], r.Output.Select(o => o.BaseObject.ToString()));
    }
}
