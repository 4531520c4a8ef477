# Pester 5 Should operators for infrastructure tests: `Should -BeReachable` and `Should -HaveValidCertificate -Days N`.
# Nested in PSNetTools and registered at import only when Pester 5 is already loaded (a session without Pester gets
# nothing and loads nothing), so import PSNetTools inside BeforeAll, or `Import-Module PSNetTools -Force` after Pester.
# Their point is the failure message: it names the target and what was wrong, where `Should -BeTrue` on a -Quiet
# result can only say "Expected $true, but got $false". They read properties by name, so objects that came back from
# a job or remoting (Deserialized.*) work too.

function Format-PSNetToolsBecause([string] $Because) {
    if ([string]::IsNullOrWhiteSpace($Because)) { return '' }
    " because $($Because.Trim() -replace '^because\s+'),"
}

function Test-PSNetToolsHas($InputObject, [string[]] $Name) {
    foreach ($n in $Name) { if ($null -eq $InputObject.PSObject.Properties[$n]) { return $false } }
    $true
}

function Get-PSNetToolsReachability($Item) {
    # One result of Find-OpenPort, Test-TcpEcho, Test-UdpEcho, Test-HttpEndpoint, Test-Ping or Test-GrpcHealth, a
    # -Quiet bool, or 'host:port' (probed here with Find-OpenPort): is it reachable, what is it, what was seen.
    if ($Item -is [bool]) {
        return [pscustomobject]@{ Reachable = $Item; Target = 'the target'; Seen = "the -Quiet result was $Item (run it without -Quiet to see why)" }
    }
    if ($Item -is [string]) {
        if ($Item -notmatch '^\[?(?<host>[^\[\]]+?)\]?:(?<port>\d{1,5})$') {
            throw "Should -BeReachable: '$Item' is not host:port (e.g. 127.0.0.1:443 or [::1]:443); or pipe the result of Find-OpenPort, Test-TcpEcho, Test-HttpEndpoint, Test-Ping or Test-GrpcHealth."
        }
        $probeErrors = $null
        $probe = PSNetTools\Find-OpenPort $Matches.host -Port ([int] $Matches.port) -IncludeClosed -TimeoutSec 2 -ErrorAction SilentlyContinue -ErrorVariable probeErrors
        if ($null -eq $probe) {
            return [pscustomobject]@{ Reachable = $false; Target = $Item; Seen = "Find-OpenPort failed: $(@($probeErrors)[0])" }
        }
        return Get-PSNetToolsReachability @($probe)[0]
    }
    if (Test-PSNetToolsHas $Item 'State', 'Port', 'Address') {
        $target = "$($Item.ComputerName):$($Item.Port)"
        $state = "$($Item.State)"
        $why = switch ($state) { 'Closed' { ' (refused: nothing listens there)' } 'Filtered' { ' (no answer: a firewall drops it, or the host is down)' } default { '' } }
        return [pscustomobject]@{ Reachable = $state -eq 'Open'; Target = "TCP port $target"; Seen = "it is $state$why" }
    }
    if (Test-PSNetToolsHas $Item 'StatusCode', 'Success', 'Uri') {
        $seen = if ($Item.Success) { "it answered $($Item.StatusCode) in $($Item.TotalMs) ms" } else { "it failed: $(if ($Item.Error) { $Item.Error } else { "status $($Item.StatusCode)" })" }
        return [pscustomobject]@{ Reachable = [bool] $Item.Success; Target = "$($Item.Uri)"; Seen = $seen }
    }
    if (Test-PSNetToolsHas $Item 'SuccessCount', 'ErrorCount', 'Uri') {
        return [pscustomobject]@{ Reachable = $Item.ErrorCount -eq 0 -and $Item.SuccessCount -gt 0; Target = "$($Item.Uri)"
            Seen = "$($Item.SuccessCount) of $($Item.Count) requests succeeded (status codes: $($Item.StatusCodes))" }
    }
    if (Test-PSNetToolsHas $Item 'Sent', 'Received', 'Matched', 'Port') {
        $seen = "$($Item.Received) of $($Item.Sent) probes answered, $($Item.Matched) matched"
        return [pscustomobject]@{ Reachable = $Item.Received -gt 0; Target = "$($Item.Protocol) echo at $($Item.ComputerName):$($Item.Port)"; Seen = $seen }
    }
    if (Test-PSNetToolsHas $Item 'Sent', 'Received', 'LossPercent') {
        return [pscustomobject]@{ Reachable = $Item.Received -gt 0; Target = "$($Item.ComputerName) ($($Item.Address))"
            Seen = "$($Item.Received) of $($Item.Sent) pings answered ($($Item.LossPercent)% loss, status $($Item.Status))" }
    }
    if (Test-PSNetToolsHas $Item 'Status', 'Service', 'Address') {
        $service = if ($Item.Service) { "service '$($Item.Service)'" } else { 'the server' }
        return [pscustomobject]@{ Reachable = "$($Item.Status)" -eq 'Serving'; Target = "gRPC $service at $($Item.Address)"; Seen = "its health is $($Item.Status)" }
    }
    throw "Should -BeReachable: cannot tell whether a $(@($Item.PSObject.TypeNames)[0]) is reachable; pipe the result of Find-OpenPort, Test-TcpEcho, Test-UdpEcho, Test-HttpEndpoint, Test-Ping or Test-GrpcHealth, or 'host:port'."
}

function Should-BeReachable {
    <#
    .SYNOPSIS
        Asserts that a port is open, an echo answered, an HTTP check succeeded, a host answered pings or a gRPC
        service is Serving; the failure message names the target and what was seen.
    .EXAMPLE
        Find-OpenPort 127.0.0.1 -Port 443 -IncludeClosed | Should -BeReachable
    .EXAMPLE
        '127.0.0.1:5432' | Should -Not -BeReachable -Because 'the database listens on the socket only'
    #>
    param($ActualValue, [switch] $Negate, [string] $Because, $CallerSessionState)
    $items = @($ActualValue | Where-Object { $null -ne $_ })
    $because = Format-PSNetToolsBecause $Because
    if ($items.Count -eq 0) {
        # Nothing came: the command wrote an error instead, or Find-OpenPort without -IncludeClosed found no open port.
        if ($Negate) { return [pscustomobject]@{ Succeeded = $true; FailureMessage = $null } }
        return [pscustomobject]@{ Succeeded = $false
            FailureMessage = "Expected a reachable target,$because but got no result at all: the command wrote an error instead (see -ErrorVariable), or Find-OpenPort found nothing open (add -IncludeClosed to see the state)." }
    }
    foreach ($item in $items) {
        $r = Get-PSNetToolsReachability $item
        if ($r.Reachable -eq [bool] $Negate) {
            $expected = if ($Negate) { 'not to be reachable' } else { 'to be reachable' }
            return [pscustomobject]@{ Succeeded = $false; FailureMessage = "Expected $($r.Target) $expected,$because but $($r.Seen)." }
        }
    }
    [pscustomobject]@{ Succeeded = $true; FailureMessage = $null }
}

function Should-HaveValidCertificate {
    <#
    .SYNOPSIS
        Asserts that a Get-TlsCertificate result is trusted, matches the name asked for and stays valid for at least
        -Days more days; the failure message lists every problem found.
    .EXAMPLE
        Get-TlsCertificate 127.0.0.1 -Port 443 | Should -HaveValidCertificate -Days 30
    #>
    param($ActualValue, [switch] $Negate, [int] $Days = 0, [string] $Because, $CallerSessionState)
    $items = @($ActualValue | Where-Object { $null -ne $_ })
    $because = Format-PSNetToolsBecause $Because
    $within = if ($Days -gt 0) { " for at least $Days more days" } else { '' }
    if ($items.Count -eq 0) {
        return [pscustomobject]@{ Succeeded = [bool] $Negate
            FailureMessage = "Expected a valid certificate$within,$because but got no certificate at all: Get-TlsCertificate wrote an error instead (no TLS on that port? see -ErrorVariable)." }
    }
    foreach ($cert in $items) {
        if (-not (Test-PSNetToolsHas $cert 'NotAfter', 'DaysUntilExpiry', 'IsTrusted')) {
            throw "Should -HaveValidCertificate: a $(@($cert.PSObject.TypeNames)[0]) is not a certificate; pipe the result of Get-TlsCertificate."
        }
        $problems = [Collections.Generic.List[string]]::new()
        $notAfter = ([datetime] $cert.NotAfter).ToString('yyyy-MM-dd HH:mm')
        if ($cert.IsExpired -or $cert.DaysUntilExpiry -lt 0) { $problems.Add("it expired on $notAfter") }
        elseif ($cert.DaysUntilExpiry -lt $Days) { $problems.Add("it expires in $($cert.DaysUntilExpiry) days ($notAfter)") }
        if (-not $cert.IsTrusted) { $problems.Add("it is not trusted ($(if ($cert.ChainErrors) { $cert.ChainErrors } else { 'chain not valid' }))") }
        $nameOk = if ($null -ne $cert.PSObject.Properties['HostnameMatches']) { $cert.HostnameMatches } elseif ($null -ne $cert.PSObject.Properties['NameOK']) { $cert.NameOK } else { $true }
        if (-not $nameOk) { $problems.Add("it is for $($cert.Subject), not '$($cert.ServerName)'") }
        $target = "the certificate of $($cert.ComputerName):$($cert.Port)"
        if (-not $Negate -and $problems.Count) {
            return [pscustomobject]@{ Succeeded = $false; FailureMessage = "Expected $target to be valid$within,$because but $($problems -join '; ')." }
        }
        if ($Negate -and -not $problems.Count) {
            return [pscustomobject]@{ Succeeded = $false
                FailureMessage = "Expected $target not to be valid$within,$because but it is trusted, matches '$($cert.ServerName)' and expires in $($cert.DaysUntilExpiry) days ($notAfter)." }
        }
    }
    [pscustomobject]@{ Succeeded = $true; FailureMessage = $null }
}

# Only a loaded Pester 5 is used (Get-Module lists loaded modules only, so nothing is auto-imported here).
$pester = @(Get-Module -Name Pester | Where-Object { $_.Version.Major -ge 5 })[0]
if ($pester) {
    $add = $pester.ExportedCommands['Add-ShouldOperator']
    & $add -Name BeReachable -Test ${function:Should-BeReachable} -InternalName Should-BeReachable -SupportsArrayInput
    & $add -Name HaveValidCertificate -Test ${function:Should-HaveValidCertificate} -InternalName Should-HaveValidCertificate -SupportsArrayInput
}
