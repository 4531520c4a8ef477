using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Google.Protobuf.Reflection;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Grpc.ProtoFiles;

/// <summary>protoc from the Grpc.Tools package: the reference the parser is compared with. Missing, the tests fail.</summary>
internal static class Protoc
{
    public static string ProtosDir { get; } = Path.Combine(PeerProcess.RepoRoot, "tests", "PSNetTools.Engine.Tests", "Grpc", "ProtoFiles", "protos");

    private static string ToolsRoot
    {
        get
        {
            var root = typeof(Protoc).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "GrpcToolsPath")?.Value;
            if (string.IsNullOrEmpty(root) || !Directory.Exists(root))
                Assert.Fail($"The Grpc.Tools package (for protoc) is not restored (GrpcToolsPath='{root}'): run 'dotnet restore tests/PSNetTools.Engine.Tests'.");
            return root!;
        }
    }

    public static string IncludeDir => Path.Combine(ToolsRoot, "build", "native", "include");

    public static string Executable
    {
        get
        {
            var os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macosx" : "linux";
            var arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64";
            var path = Path.Combine(ToolsRoot, "tools", $"{os}_{arch}", OperatingSystem.IsWindows() ? "protoc.exe" : "protoc");
            if (!File.Exists(path)) Assert.Fail($"protoc is missing at {path}: the Grpc.Tools 2.85.0 package should carry it.");
            return path;
        }
    }

    /// <summary>protoc --descriptor_set_out for <paramref name="files"/> (names relative to <paramref name="importPath"/>), without source info.</summary>
    public static FileDescriptorSet DescriptorSet(string importPath, IEnumerable<string> files, bool includeImports = false)
    {
        var output = Path.Combine(Path.GetTempPath(), $"psnettools-protoc-{Guid.NewGuid():N}.pb");
        try
        {
            Run(importPath, files, output, includeImports);
            return FileDescriptorSet.Parser.ParseFrom(File.ReadAllBytes(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    public static void Run(string importPath, IEnumerable<string> files, string output, bool includeImports)
    {
        var psi = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-I" + importPath);
        psi.ArgumentList.Add("-I" + IncludeDir);
        psi.ArgumentList.Add("--descriptor_set_out=" + output);
        if (includeImports) psi.ArgumentList.Add("--include_imports");
        foreach (var file in files) psi.ArgumentList.Add(file);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000)) Assert.Fail("protoc did not finish within 60 s");
        if (process.ExitCode != 0) Assert.Fail($"protoc failed ({process.ExitCode}): {stderr.Result}");
    }
}
