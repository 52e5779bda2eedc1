using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Native;

namespace TransformerCourse.Tests.Native;

/// <summary>
/// The test assembly's entry point, for the tests that must see a whole process survive <c>Acceleration.Enable()</c>:
/// <c>dotnet TransformerCourse.Tests.dll --acceleration-child</c> enables acceleration as the environment says, prints
/// the result and <c>Acceleration.Describe()</c>, and checks A·B = [58 64; 139 154] through MathNet. The test host
/// never calls it (the project sets GenerateProgramFile=false so that this is the one entry point).
/// </summary>
public static class AccelerationChild
{
    public const string Flag = "--acceleration-child";

    public static int Main(string[] args)
    {
        if (args is not [Flag]) return 2;
        var result = Acceleration.Enable();
        Console.WriteLine($"result: {result.Kind} {result.Library}: {result.Message}");
        Console.WriteLine($"describe: {Acceleration.Describe()}");
        var a = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var b = Matrix<double>.Build.DenseOfArray(new double[,] { { 7, 8 }, { 9, 10 }, { 11, 12 } });
        var product = (a * b).ToColumnMajorArray();
        Console.WriteLine($"product: {string.Join(" ", product)}");
        return product.SequenceEqual([58.0, 139, 64, 154]) ? 0 : 1;
    }
}
