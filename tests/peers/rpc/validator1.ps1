# validator1 from the PowerShell side, dot-sourced by tests/PSNetTools.Tests/XmlRpc/XmlRpcValidator1Tests.cs.
#   $Validator1Methods          the 8 methods as a user writes them for Start-XmlRpcServer -Method
#   Invoke-Validator1 URL SEED N  N random calls of each method through Invoke-XmlRpc, checked against the same
#                               computation done here; writes "method passed/total" lines, then "total passed/total".
#                               Strings here do hold carriage returns (the module sends them as &#13;).
$Validator1Methods = @{
    'validator1.arrayOfStructsTest'     = { param($items) $sum = 0; foreach ($s in $items) { $sum += $s.curly }; $sum }
    'validator1.countTheEntities'       = { param($text)
        [ordered]@{
            ctLeftAngleBrackets  = [regex]::Matches($text, '<').Count
            ctRightAngleBrackets = [regex]::Matches($text, '>').Count
            ctAmpersands         = [regex]::Matches($text, '&').Count
            ctApostrophes        = [regex]::Matches($text, "'").Count
            ctQuotes             = [regex]::Matches($text, '"').Count
        } }
    'validator1.easyStructTest'         = { param($s) $s.moe + $s.larry + $s.curly }
    'validator1.echoStructTest'         = { param($s) $s }
    'validator1.manyTypesTest'          = { param($number, $boolean, $string, $double, $date, $data) $number, $boolean, $string, $double, $date, $data }
    'validator1.moderateSizeArrayCheck' = { param($items) $items[0] + $items[-1] }
    'validator1.nestedStructTest'       = { param($calendar) $day = $calendar.'2000'.'04'.'01'; $day.moe + $day.larry + $day.curly }
    'validator1.simpleStructReturnTest' = { param($n) [ordered]@{ times10 = $n * 10; times100 = $n * 100; times1000 = $n * 1000 } }
}

function Invoke-Validator1([string] $Uri, [int] $Seed, [int] $Rounds) {
    $r = [Random]::new($Seed)
    $edgeStrings = ' ', "`t`n", "a`rb", "`r`n", '', "<&>'`"", '张三 😀', ('x' * 1000), '  lead and trail  '
    $smallInt = { if ($r.NextDouble() -lt 0.2) { (0, 1, -1)[$r.Next(3)] } else { $r.Next(-100000, 100001) } }
    $text = {
        if ($r.NextDouble() -lt 0.3) { return $edgeStrings[$r.Next($edgeStrings.Count)] }
        $alphabet = "abc xyz<>&'`"`r`n`t中文é"
        $length = $r.Next(0, 41)
        -join $(for ($i = 0; $i -lt $length; $i++) { $alphabet[$r.Next($alphabet.Length)] })
    }
    $stooges = { [ordered]@{ moe = & $smallInt; larry = & $smallInt; curly = & $smallInt } }
    # A struct comes back as a PSCustomObject (or an ordered dictionary when it has a member named ''): compare by
    # member names and values, arrays item by item, byte arrays and dates by value.
    function Same($a, $b) {
        if ($a -is [System.Collections.IDictionary] -or $a -is [pscustomobject]) {
            $ka = @(if ($a -is [System.Collections.IDictionary]) { $a.Keys } else { $a.PSObject.Properties.Name })
            $kb = @(if ($b -is [System.Collections.IDictionary]) { $b.Keys } else { $b.PSObject.Properties.Name })
            if ($ka.Count -ne $kb.Count) { return $false }
            foreach ($k in $ka) {
                if ($k -notin $kb) { return $false }
                $va = if ($a -is [System.Collections.IDictionary]) { $a[$k] } else { $a.$k }
                $vb = if ($b -is [System.Collections.IDictionary]) { $b[$k] } else { $b.$k }
                if (-not (Same $va $vb)) { return $false }
            }
            return $true
        }
        if ($a -is [byte[]]) { return $b -is [byte[]] -and [Convert]::ToBase64String($a) -eq [Convert]::ToBase64String($b) }
        if ($a -is [array]) {
            if ($b -isnot [array] -or $a.Count -ne $b.Count) { return $false }
            for ($i = 0; $i -lt $a.Count; $i++) { if (-not (Same $a[$i] $b[$i])) { return $false } }
            return $true
        }
        if ($a -is [string]) { return $b -is [string] -and [string]::Equals($a, $b, [StringComparison]::Ordinal) }
        return $a -eq $b -and $null -ne $b
    }
    # CPython writes a carriage return raw, and XML parsers read a raw CR (or CR LF) as LF: a string the module sends
    # with CR (as &#13;) reaches Python's method intact but comes back with LF. Python-to-Python gives the same.
    function ViaCPython($v) {
        if ($v -is [string]) { return $v.Replace("`r`n", "`n").Replace("`r", "`n") }
        if ($v -is [byte[]]) { return , $v }
        if ($v -is [System.Collections.IDictionary]) { $copy = [ordered]@{}; foreach ($k in $v.Keys) { $copy[$k] = ViaCPython $v[$k] }; return $copy }
        if ($v -is [array]) { return , @(foreach ($item in $v) { , (ViaCPython $item) }) }
        return $v
    }
    $methodNames = 'arrayOfStructsTest', 'countTheEntities', 'easyStructTest', 'echoStructTest', 'manyTypesTest',
        'moderateSizeArrayCheck', 'nestedStructTest', 'simpleStructReturnTest'
    $passedAll = 0; $totalAll = 0
    foreach ($short in $methodNames) {
        $method = "validator1.$short"
        $passed = 0
        for ($round = 0; $round -lt $Rounds; $round++) {
            switch ($short) {
                'arrayOfStructsTest' { $count = $r.Next(0, 21); $items = @(for ($i = 0; $i -lt $count; $i++) { & $stooges }); $arguments = , $items; $expected = 0; foreach ($s in $items) { $expected += $s.curly } }
                'countTheEntities' { $t = & $text; $arguments = , $t; $expected = [ordered]@{ ctLeftAngleBrackets = [regex]::Matches($t, '<').Count; ctRightAngleBrackets = [regex]::Matches($t, '>').Count; ctAmpersands = [regex]::Matches($t, '&').Count; ctApostrophes = [regex]::Matches($t, "'").Count; ctQuotes = [regex]::Matches($t, '"').Count } }
                'easyStructTest' { $s = & $stooges; $arguments = , $s; $expected = $s.moe + $s.larry + $s.curly }
                'echoStructTest' {
                    $s = [ordered]@{}
                    $count = $r.Next(0, 6); for ($i = 0; $i -lt $count; $i++) { $s["substruct$i"] = & $stooges }
                    $s['text'] = & $text
                    if ($r.NextDouble() -lt 0.3) { $s[''] = 'empty member name' }
                    $s['list'] = @((& $smallInt), (& $text), ($r.NextDouble() -lt 0.5))
                    $arguments = , $s; $expected = ViaCPython $s
                }
                'manyTypesTest' {
                    $when = [datetime]::new($r.Next(1900, 2101), $r.Next(1, 13), $r.Next(1, 29), $r.Next(0, 24), $r.Next(0, 60), $r.Next(0, 60))
                    $bytes = [byte[]]::new($r.Next(0, 65)); $r.NextBytes($bytes)
                    $number = if ($r.NextDouble() -lt 0.3) { (0, 1, -1, [int]::MaxValue, [int]::MinValue)[$r.Next(5)] } else { $r.Next([int]::MinValue, [int]::MaxValue) }
                    $double = (0.0, -0.5, 1e-300, [double]::MaxValue, ($r.NextDouble() * 2e6 - 1e6))[$r.Next(5)]
                    $arguments = $number, ($r.NextDouble() -lt 0.5), (& $text), $double, $when, $bytes
                    $expected = ViaCPython $arguments
                }
                'moderateSizeArrayCheck' { $count = $r.Next(100, 201); $items = @(for ($i = 0; $i -lt $count; $i++) { & $text }); $arguments = , $items; $expected = ViaCPython ($items[0] + $items[-1]) }
                'nestedStructTest' {
                    $calendar = [ordered]@{}
                    foreach ($year in '1999', '2000', '2001') {
                        $months = [ordered]@{}
                        foreach ($m in 1..12) { $days = [ordered]@{}; foreach ($d in 1..$r.Next(1, 5)) { $days['{0:00}' -f $d] = & $stooges }; $months['{0:00}' -f $m] = $days }
                        $calendar[$year] = $months
                    }
                    $day = & $stooges; $calendar['2000']['04']['01'] = $day
                    $arguments = , $calendar; $expected = $day.moe + $day.larry + $day.curly
                }
                'simpleStructReturnTest' { $n = $r.Next(-2147483, 2147484); $arguments = , $n; $expected = [ordered]@{ times10 = $n * 10; times100 = $n * 100; times1000 = $n * 1000 } }
            }
            try {
                $actual = Invoke-XmlRpc $Uri -Method $method -Argument $arguments -ErrorAction Stop
                if (Same $expected $actual) { $passed++ } else { Write-Warning "$method mismatch: sent $arguments, got $actual" }
            }
            catch { Write-Warning "$method failed: $_" }
        }
        "$method $passed/$Rounds"
        $passedAll += $passed; $totalAll += $Rounds
    }
    "total $passedAll/$totalAll"
}
