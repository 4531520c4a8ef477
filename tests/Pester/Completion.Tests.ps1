# Tab completion as users press it (issue 12): TabExpansion2 offers, for every parameter of every exported cmdlet that
# has a ValidateSet or an argument completer, the values it should, never file names. The parameters come from
# Get-Command's metadata, so a new one is covered as soon as it exists; one whose completer has no scenario below fails
# and names the completer.
BeforeDiscovery {
    . $PSScriptRoot/Common.ps1
    $sets = [Collections.Generic.List[hashtable]]::new()
    $completers = [Collections.Generic.List[hashtable]]::new()
    foreach ($command in Get-Command -Module PSNetTools -CommandType Cmdlet) {
        foreach ($p in $command.Parameters.Values) {
            foreach ($a in $p.Attributes) {
                if ($a -is [System.Management.Automation.ValidateSetAttribute]) {
                    $sets.Add(@{ Cmdlet = $command.Name; Parameter = $p.Name; Values = @($a.ValidValues) })
                }
                if ($a -is [System.Management.Automation.ArgumentCompleterAttribute]) {
                    $completers.Add(@{ Cmdlet = $command.Name; Parameter = $p.Name; Completer = $a.Type ? $a.Type.Name : 'a scriptblock' })
                }
            }
        }
    }
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    function Complete([string] $Line) {
        # What the prompt offers for the line with the cursor at its end, as the text Tab would insert, unquoted.
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object { $_.CompletionText.Trim("'", '"') })
    }
}

Describe 'The parameters with a ValidateSet or a completer' -ForEach @{ SetCount = $sets.Count; CompleterCount = $completers.Count } {
    It 'were found (the enumeration works)' {
        $SetCount | Should -BeGreaterOrEqual 5 -Because 'Test-HttpEndpoint -Method, Get-TlsCertificate -StartTls, the mail -Security... have a ValidateSet'
        $CompleterCount | Should -BeGreaterOrEqual 8 -Because 'server ids and names, gRPC services and methods, XML-RPC methods, encodings have completers'
    }
}

Describe '<Cmdlet> -<Parameter> (ValidateSet)' -ForEach $sets {
    It 'offers every value of the set' {
        Complete "$Cmdlet -$Parameter " | Sort-Object | Should -Be ($Values | Sort-Object) -Because "the ValidateSet of -$Parameter is $($Values -join ', ')"
    }

    It 'offers the values that start with what is typed' {
        $typed = $Values[-1].Substring(0, 1).ToLowerInvariant()
        $expected = @($Values | Where-Object { $_ -like "$typed*" } | Sort-Object)
        Complete "$Cmdlet -$Parameter $typed" | Sort-Object | Should -Be $expected -Because "'$typed' starts $($expected -join ', ')"
    }
}

Describe '<Cmdlet> -<Parameter> (<Completer>)' -ForEach $completers {
    BeforeAll {
        # For each completer: the peer it completes from, the line typed, and what the peer says the answers are.
        $scenarios = @{
            ServerIdCompleter     = {
                $servers = @(Start-TcpEchoServer -Port 0 -Name completion-one; Start-HttpServer -Port 0 -Name completion-two -Route @{ 'GET /' = { 'hi' } })
                @{ Servers = $servers; Line = "$Cmdlet -$Parameter "; Expected = @(Get-NetServer | ForEach-Object { "$($_.Id)" })
                    Typed = "$($servers[1].Id)"; ExpectedTyped = @(Get-NetServer | ForEach-Object { "$($_.Id)" } | Where-Object { $_ -like "$($servers[1].Id)*" }) }
            }
            ServerNameCompleter   = {
                $servers = @(Start-TcpEchoServer -Port 0 -Name completion-one; Start-TcpEchoServer -Port 0 -Name completion-two; Start-TcpEchoServer -Port 0 -Name other)
                @{ Servers = $servers; Line = "$Cmdlet -$Parameter "; Expected = @(Get-NetServer | ForEach-Object Name)
                    Typed = 'completion-'; ExpectedTyped = @('completion-one', 'completion-two') }
            }
            EncodingCompleter     = {
                # The names help documents for -Encoding (TextEncodings understands any code page name too).
                $names = 'utf8', 'utf8BOM', 'ascii', 'unicode', 'bigendianunicode', 'utf32', 'latin1', 'gbk', 'gb18030', 'big5', 'shift_jis'
                @{ Line = "$Cmdlet 127.0.0.1 -Port 7 -$Parameter "; Expected = $names; Typed = 'utf'; ExpectedTyped = @('utf8', 'utf8BOM', 'utf32') }
            }
            GrpcServiceCompleter  = {
                $grpc = Start-GrpcPeer
                @{ Peer = $grpc.Process; Line = "$Cmdlet $($grpc.Address) -Plaintext -$Parameter "
                    Expected = @(Get-GrpcService $grpc.Address -Plaintext | ForEach-Object Service | Sort-Object -Unique)
                    Typed = 'demo'; ExpectedTyped = @('demo.v1.Greeter') }
            }
            GrpcMethodCompleter   = {
                $grpc = Start-GrpcPeer
                # Connect-GrpcStream opens streams a client sends on: it offers only client-streaming and bidi methods.
                $streams = $Cmdlet -eq 'Connect-GrpcStream'
                @{ Peer = $grpc.Process; Line = "$Cmdlet $($grpc.Address) -Plaintext -$Parameter "
                    Expected = @(Get-GrpcService $grpc.Address -Plaintext | Where-Object { -not $streams -or $_.Kind -in 'ClientStreaming', 'BidiStreaming' } | ForEach-Object Name)
                    Typed = $streams ? 'demo.v1.Greeter/C' : 'demo.v1.Greeter/S'
                    ExpectedTyped = $streams ? @('demo.v1.Greeter/Chat', 'demo.v1.Greeter/CollectHellos') : @('demo.v1.Greeter/SayHello', 'demo.v1.Greeter/StreamHellos') }
            }
            XmlRpcMethodCompleter = {
                $servers = @(Start-XmlRpcServer -Port 0 -Method @{ add = { param($x, $y) $x + $y }; 'user.create' = { param($u) $u } })
                $uri = "http://127.0.0.1:$($servers[0].Port)/RPC2"
                @{ Servers = $servers; Line = "$Cmdlet $uri -$Parameter "; Expected = @(Invoke-XmlRpc $uri -Method system.listMethods | ForEach-Object { $_ })
                    Typed = 'us'; ExpectedTyped = @('user.create') }
            }
        }
        $scenario = $scenarios[$Completer]
        $case = $scenario ? (& $scenario) : $null
    }

    AfterAll {
        if ($case.Servers) { $case.Servers | Stop-NetServer -Confirm:$false }
        if ($case.Peer) { $case.Peer | Stop-TestPeer }
    }

    It 'has a scenario here (a new completer gets one)' {
        $scenario | Should -Not -BeNullOrEmpty -Because "$Completer completes $Cmdlet -$Parameter and Completion.Tests.ps1 must show what it offers"
    }

    It 'offers what the live peer has' {
        $case.Expected.Count | Should -BeGreaterThan 0 -Because 'the peer has something to complete'
        Complete $case.Line | Sort-Object | Should -Be ($case.Expected | Sort-Object) -Because "'$($case.Line)' completes from the peer"
    }

    It 'offers what starts with the typed word' {
        Complete ($case.Line + $case.Typed) | Sort-Object | Should -Be ($case.ExpectedTyped | Sort-Object) -Because "'$($case.Typed)' narrows the list"
    }
}
