using System.Management.Automation;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Transport;

/// <summary>
/// The TLS parameters of Send-TcpMessage and Test-TcpEcho, bound as their dynamic parameters. Those cmdlets share their
/// base classes with their UDP twins, and C# has one base class, so they cannot derive from <see cref="TlsClientCommand"/>;
/// instead they hand PowerShell an instance of this class, whose -SkipCertificateCheck, -TrustedCertificate and
/// -ClientCertificate ARE TlsClientCommand's declarations (the ones every TLS client cmdlet has, same names, types,
/// aliases and transformation), plus the two only a raw TCP client needs. It is never run as a cmdlet.
/// </summary>
public sealed class TcpTlsParameters : TlsClientCommand
{
    [Parameter]
    public SwitchParameter UseTls { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServerName { get; set; }

    // Every TLS parameter only makes sense with TLS, so any of them turns it on.
    internal bool Wanted => UseTls || ServerName is not null || SkipCertificateCheck || TrustedCertificate.Length > 0 || ClientCertificate is not null;
}
