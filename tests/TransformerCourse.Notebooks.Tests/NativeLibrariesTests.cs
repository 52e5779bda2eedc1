using System.Runtime.InteropServices;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>
/// Native libraries of restored packages: read from project.assets.json for this machine's runtime identifier only,
/// and found by the name a DllImport uses ("onnxruntime" → libonnxruntime.so).
/// </summary>
public class NativeLibrariesTests
{
    private static string Rid =>
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    [Fact]
    public void NativeAssetsAreReadForThisMachineOnly()
    {
        var root = Directory.CreateTempSubdirectory("tc-native-").FullName;
        try
        {
            string File(string rid) => Path.Combine(root, "pkg", "1.0.0", "runtimes", rid, "native", "libx.so");
            foreach (var rid in new[] { Rid, "android-arm64" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(File(rid))!);
                System.IO.File.WriteAllText(File(rid), "");
            }
            var assets = Path.Combine(root, "project.assets.json");
            System.IO.File.WriteAllText(assets, $$"""
                {
                  "packageFolders": { "{{root.Replace("\\", "\\\\")}}": {} },
                  "libraries": { "Pkg/1.0.0": { "path": "pkg/1.0.0" } },
                  "targets": { "net10.0": { "Pkg/1.0.0": { "type": "package", "runtimeTargets": {
                    "runtimes/{{Rid}}/native/libx.so": { "assetType": "native", "rid": "{{Rid}}" },
                    "runtimes/android-arm64/native/libx.so": { "assetType": "native", "rid": "android-arm64" },
                    "runtimes/{{Rid}}/lib/net8.0/Pkg.dll": { "assetType": "runtime", "rid": "{{Rid}}" } } } } }
                }
                """);

            Assert.Equal([Path.GetFullPath(File(Rid))], PackageRestorer.NativeAssets(assets, "net10.0"));
            Assert.Empty(PackageRestorer.NativeAssets(Path.Combine(root, "missing.json"), "net10.0"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ADllImportNameFindsTheRegisteredFile()
    {
        NativeLibraries.Add(["/opt/pkg/runtimes/linux-x64/native/libtc_test_native.so"]);

        Assert.Equal("/opt/pkg/runtimes/linux-x64/native/libtc_test_native.so", NativeLibraries.Find("tc_test_native"));
        Assert.Equal("/opt/pkg/runtimes/linux-x64/native/libtc_test_native.so",
            NativeLibraries.Find("libtc_test_native.so"));
        Assert.Null(NativeLibraries.Find("tc_no_such_native"));
    }
}
