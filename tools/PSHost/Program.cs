using System.Management.Automation;
using System.Management.Automation.Runspaces;

// pshost -Command '<script>' | pshost -File script.ps1 [args]
// Output objects are printed with ToString(); errors go to stderr and set exit code 1.
if (args.Length < 2 || args[0] is not ("-Command" or "-c" or "-File" or "-f"))
{
    Console.Error.WriteLine("usage: pshost -Command '<script>' | pshost -File script.ps1 [arguments]");
    return 2;
}
var script = args[0] is "-File" or "-f" ? File.ReadAllText(args[1]) : args[1];
var iss = InitialSessionState.CreateDefault2();
using var runspace = RunspaceFactory.CreateRunspace(iss);
runspace.Open();
using var ps = PowerShell.Create(runspace);
ps.AddScript(script);
foreach (var extra in args.Skip(2)) ps.AddArgument(extra);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    ps.BeginStop(null, null);
};
var output = new PSDataCollection<PSObject>();
output.DataAdded += (_, e) => Console.WriteLine(output[e.Index]?.ToString());
ps.Streams.Error.DataAdded += (_, e) => Console.Error.WriteLine($"ERROR: {ps.Streams.Error[e.Index]}");
ps.Streams.Warning.DataAdded += (_, e) => Console.Error.WriteLine($"WARNING: {ps.Streams.Warning[e.Index]}");
ps.Streams.Verbose.DataAdded += (_, e) => Console.Error.WriteLine($"VERBOSE: {ps.Streams.Verbose[e.Index]}");
try
{
    ps.Invoke(null, output);
}
catch (RuntimeException ex)
{
    Console.Error.WriteLine($"ERROR: {ex.Message}");
    return 1;
}
return ps.HadErrors ? 1 : 0;
