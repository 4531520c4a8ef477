# Invoke-GrpcMethod in the pipelines users type (issue 13 gRPC items 1 and 3), in real pwsh: the xunit host has no
# Select-Object or Export-Csv. A downstream stop cancels the call on the wire and says so; -IncludeMetadata rows
# export as scalars and joined text.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $grpc = Start-GrpcPeer
    $floodPort = Get-FreeTcpPort
    # grpc-flood.js: StreamHellos never ends; SayHello answers how many replies it has handed to grpc-js so far.
    $flood = Start-TestPeer node 'grpc/grpc-flood.js', $floodPort -Port $floodPort -WorkingDirectory (Join-Path $RepoRoot 'tests/peers/rpc')
}

AfterAll {
    $grpc.Process | Stop-TestPeer
    $flood | Stop-TestPeer
}

Describe 'A downstream stop' {
    It 'Select-Object -First 1 ends an endless server stream at once, on the server too, with a verbose line' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $first = Invoke-GrpcMethod "127.0.0.1:$floodPort" demo.v1.Greeter/StreamHellos -Body @{ name = 'first' } -Plaintext | Select-Object -First 1
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $first.message | Should -Be '1 first'
        $before = [long](Invoke-GrpcMethod "127.0.0.1:$floodPort" demo.v1.Greeter/SayHello -Plaintext).message
        Start-Sleep -Milliseconds 700
        $after = [long](Invoke-GrpcMethod "127.0.0.1:$floodPort" demo.v1.Greeter/SayHello -Plaintext).message
        $after - $before | Should -Be 0 -Because 'the cancelled streams no longer send'
    }

    It 'the verbose stream says the call was cancelled' {
        $records = & { Invoke-GrpcMethod "127.0.0.1:$floodPort" demo.v1.Greeter/StreamHellos -Body @{ name = 'x' } -Plaintext -Verbose | Select-Object -First 1 | Out-Null } 4>&1
        @($records | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message) -match 'cancelled' | Should -Not -BeNullOrEmpty
    }
}

Describe '-IncludeMetadata' {
    It 'exports one row per call with scalars and joined text' {
        $file = Join-Path $TestDrive 'calls.csv'
        @{ int32_value = 1 }, @{ int32_value = 2 } | Invoke-GrpcMethod $grpc.Address test.v1.KitchenSink/Echo -Plaintext -IncludeMetadata -Compression gzip -Metadata @{ 'x-run' = '7' } |
            Where-Object Status | Export-Csv $file
        $rows = @(Import-Csv $file)
        $rows.Count | Should -Be 2
        $rows[0].Status | Should -Be 'OK'
        $rows[0].Trailers | Should -Be 'x-trailer: echo'
        $rows[0].ResponseHeaders | Should -Match '(^|; )x-run: 7(;|$)'
        $rows[0].ResponseHeaders | Should -Match 'x-request-encoding: gzip'
        $rows[0].RequestEncoding | Should -Be 'gzip'
        $rows[0].ResponseEncoding | Should -Be 'identity'
        foreach ($p in $rows[0].PSObject.Properties) { $p.Value | Should -Not -Match '^(System|PSNetTools)\.\w' -Because "$($p.Name) is data" }
    }
}
