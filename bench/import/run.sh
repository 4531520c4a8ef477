#!/usr/bin/env bash
# Import-Module time (in a fresh process, measured inside it) and the assemblies the import loads.
# Usage: bash bench/import/run.sh [runs]   (after dotnet build -c Release)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
host=tools/PSHost/bin/Release/net10.0/pshost.dll
manifest=$PWD/out/PSNetTools/PSNetTools.psd1
for i in $(seq "$runs"); do
  dotnet "$host" -Command "
    \$before = [AppDomain]::CurrentDomain.GetAssemblies().Count
    \$sw = [Diagnostics.Stopwatch]::StartNew()
    Import-Module '$manifest'
    \$sw.Stop()
    'import_ms=' + [math]::Round(\$sw.Elapsed.TotalMilliseconds, 1) + ' assemblies_added=' + ([AppDomain]::CurrentDomain.GetAssemblies().Count - \$before)"
done
echo "assemblies loaded by Import-Module (name | load context):"
dotnet "$host" -Command "
  \$before = [AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { \$_.FullName }
  Import-Module '$manifest'
  [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { \$_.FullName -notin \$before } | ForEach-Object {
    '  ' + \$_.GetName().Name + ' | ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(\$_).Name }
  Get-NetServer | Out-Null
  'after the first cmdlet call:'
  [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { \$_.FullName -notin \$before } | ForEach-Object {
    '  ' + \$_.GetName().Name + ' | ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(\$_).Name }"
