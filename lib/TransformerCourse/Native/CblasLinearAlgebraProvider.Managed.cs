using System.Numerics;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace TransformerCourse.Native;

// Everything that is not a matrix product or a BLAS-1 operation on doubles: MathNet's managed code,
// unchanged. (MathNet's ManagedLinearAlgebraProvider is sealed, so we forward instead of inheriting.)
public sealed partial class CblasLinearAlgebraProvider
{
    static readonly ManagedLinearAlgebraProvider Managed = ManagedLinearAlgebraProvider.Instance;

    // ---- ILinearAlgebraProvider<double>
    void ILinearAlgebraProvider<double>.ConjugateArray(double[] x, double[] result)
        => Managed.ConjugateArray(x, result);
    void ILinearAlgebraProvider<double>.AddArrays(double[] x, double[] y, double[] result)
        => Managed.AddArrays(x, y, result);
    void ILinearAlgebraProvider<double>.SubtractArrays(double[] x, double[] y, double[] result)
        => Managed.SubtractArrays(x, y, result);
    void ILinearAlgebraProvider<double>.PointWiseMultiplyArrays(double[] x, double[] y, double[] result)
        => Managed.PointWiseMultiplyArrays(x, y, result);
    void ILinearAlgebraProvider<double>.PointWiseDivideArrays(double[] x, double[] y, double[] result)
        => Managed.PointWiseDivideArrays(x, y, result);
    void ILinearAlgebraProvider<double>.PointWisePowerArrays(double[] x, double[] y, double[] result)
        => Managed.PointWisePowerArrays(x, y, result);
    double ILinearAlgebraProvider<double>.MatrixNorm(Norm norm, int rows, int columns, double[] matrix)
        => Managed.MatrixNorm(norm, rows, columns, matrix);
    void ILinearAlgebraProvider<double>.LUFactor(double[] data, int order, int[] ipiv)
        => Managed.LUFactor(data, order, ipiv);
    void ILinearAlgebraProvider<double>.LUInverse(double[] a, int order) => Managed.LUInverse(a, order);
    void ILinearAlgebraProvider<double>.LUInverseFactored(double[] a, int order, int[] ipiv)
        => Managed.LUInverseFactored(a, order, ipiv);
    void ILinearAlgebraProvider<double>.LUSolve(int columnsOfB, double[] a, int order, double[] b)
        => Managed.LUSolve(columnsOfB, a, order, b);
    void ILinearAlgebraProvider<double>.LUSolveFactored(int columnsOfB, double[] a, int order, int[] ipiv, double[] b)
        => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    void ILinearAlgebraProvider<double>.CholeskyFactor(double[] a, int order) => Managed.CholeskyFactor(a, order);
    void ILinearAlgebraProvider<double>.CholeskySolve(double[] a, int orderA, double[] b, int columnsB)
        => Managed.CholeskySolve(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<double>.CholeskySolveFactored(double[] a, int orderA, double[] b, int columnsB)
        => Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<double>.QRFactor(double[] a, int rowsA, int columnsA, double[] q, double[] tau)
        => Managed.QRFactor(a, rowsA, columnsA, q, tau);
    void ILinearAlgebraProvider<double>.ThinQRFactor(double[] a, int rowsA, int columnsA, double[] r, double[] tau)
        => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    void ILinearAlgebraProvider<double>.QRSolve(double[] a, int rows, int columns, double[] b, int columnsB, double[] x,
        QRMethod method)
        => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    void ILinearAlgebraProvider<double>.QRSolveFactored(double[] q, double[] r, int rowsA, int columnsA, double[] tau,
        double[] b, int columnsB, double[] x, QRMethod method)
        => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    void ILinearAlgebraProvider<double>.SingularValueDecomposition(bool computeVectors, double[] a, int rowsA,
        int columnsA, double[] s, double[] u, double[] vt)
        => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    void ILinearAlgebraProvider<double>.SvdSolve(double[] a, int rowsA, int columnsA, double[] b, int columnsB,
        double[] x)
        => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    void ILinearAlgebraProvider<double>.SvdSolveFactored(int rowsA, int columnsA, double[] s, double[] u, double[] vt,
        double[] b, int columnsB, double[] x)
        => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    void ILinearAlgebraProvider<double>.EigenDecomp(bool isSymmetric, int order, double[] matrix, double[] matrixEv,
        Complex[] vectorEv, double[] matrixD)
        => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // ---- ILinearAlgebraProvider<float>
    void ILinearAlgebraProvider<float>.AddVectorToScaledVector(float[] y, float alpha, float[] x, float[] result)
        => Managed.AddVectorToScaledVector(y, alpha, x, result);
    void ILinearAlgebraProvider<float>.ScaleArray(float alpha, float[] x, float[] result)
        => Managed.ScaleArray(alpha, x, result);
    void ILinearAlgebraProvider<float>.ConjugateArray(float[] x, float[] result) => Managed.ConjugateArray(x, result);
    float ILinearAlgebraProvider<float>.DotProduct(float[] x, float[] y) => Managed.DotProduct(x, y);
    void ILinearAlgebraProvider<float>.AddArrays(float[] x, float[] y, float[] result)
        => Managed.AddArrays(x, y, result);
    void ILinearAlgebraProvider<float>.SubtractArrays(float[] x, float[] y, float[] result)
        => Managed.SubtractArrays(x, y, result);
    void ILinearAlgebraProvider<float>.PointWiseMultiplyArrays(float[] x, float[] y, float[] result)
        => Managed.PointWiseMultiplyArrays(x, y, result);
    void ILinearAlgebraProvider<float>.PointWiseDivideArrays(float[] x, float[] y, float[] result)
        => Managed.PointWiseDivideArrays(x, y, result);
    void ILinearAlgebraProvider<float>.PointWisePowerArrays(float[] x, float[] y, float[] result)
        => Managed.PointWisePowerArrays(x, y, result);
    double ILinearAlgebraProvider<float>.MatrixNorm(Norm norm, int rows, int columns, float[] matrix)
        => Managed.MatrixNorm(norm, rows, columns, matrix);
    void ILinearAlgebraProvider<float>.LUFactor(float[] data, int order, int[] ipiv)
        => Managed.LUFactor(data, order, ipiv);
    void ILinearAlgebraProvider<float>.LUInverse(float[] a, int order) => Managed.LUInverse(a, order);
    void ILinearAlgebraProvider<float>.LUInverseFactored(float[] a, int order, int[] ipiv)
        => Managed.LUInverseFactored(a, order, ipiv);
    void ILinearAlgebraProvider<float>.LUSolve(int columnsOfB, float[] a, int order, float[] b)
        => Managed.LUSolve(columnsOfB, a, order, b);
    void ILinearAlgebraProvider<float>.LUSolveFactored(int columnsOfB, float[] a, int order, int[] ipiv, float[] b)
        => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    void ILinearAlgebraProvider<float>.CholeskyFactor(float[] a, int order) => Managed.CholeskyFactor(a, order);
    void ILinearAlgebraProvider<float>.CholeskySolve(float[] a, int orderA, float[] b, int columnsB)
        => Managed.CholeskySolve(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<float>.CholeskySolveFactored(float[] a, int orderA, float[] b, int columnsB)
        => Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<float>.QRFactor(float[] a, int rowsA, int columnsA, float[] q, float[] tau)
        => Managed.QRFactor(a, rowsA, columnsA, q, tau);
    void ILinearAlgebraProvider<float>.ThinQRFactor(float[] a, int rowsA, int columnsA, float[] r, float[] tau)
        => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    void ILinearAlgebraProvider<float>.QRSolve(float[] a, int rows, int columns, float[] b, int columnsB, float[] x,
        QRMethod method)
        => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    void ILinearAlgebraProvider<float>.QRSolveFactored(float[] q, float[] r, int rowsA, int columnsA, float[] tau,
        float[] b, int columnsB, float[] x, QRMethod method)
        => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    void ILinearAlgebraProvider<float>.SingularValueDecomposition(bool computeVectors, float[] a, int rowsA,
        int columnsA, float[] s, float[] u, float[] vt)
        => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    void ILinearAlgebraProvider<float>.SvdSolve(float[] a, int rowsA, int columnsA, float[] b, int columnsB, float[] x)
        => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    void ILinearAlgebraProvider<float>.SvdSolveFactored(int rowsA, int columnsA, float[] s, float[] u, float[] vt,
        float[] b, int columnsB, float[] x)
        => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    void ILinearAlgebraProvider<float>.EigenDecomp(bool isSymmetric, int order, float[] matrix, float[] matrixEv,
        Complex[] vectorEv, float[] matrixD)
        => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // ---- ILinearAlgebraProvider<Complex>
    void ILinearAlgebraProvider<Complex>.AddVectorToScaledVector(Complex[] y, Complex alpha, Complex[] x,
        Complex[] result)
        => Managed.AddVectorToScaledVector(y, alpha, x, result);
    void ILinearAlgebraProvider<Complex>.ScaleArray(Complex alpha, Complex[] x, Complex[] result)
        => Managed.ScaleArray(alpha, x, result);
    void ILinearAlgebraProvider<Complex>.ConjugateArray(Complex[] x, Complex[] result)
        => Managed.ConjugateArray(x, result);
    Complex ILinearAlgebraProvider<Complex>.DotProduct(Complex[] x, Complex[] y) => Managed.DotProduct(x, y);
    void ILinearAlgebraProvider<Complex>.AddArrays(Complex[] x, Complex[] y, Complex[] result)
        => Managed.AddArrays(x, y, result);
    void ILinearAlgebraProvider<Complex>.SubtractArrays(Complex[] x, Complex[] y, Complex[] result)
        => Managed.SubtractArrays(x, y, result);
    void ILinearAlgebraProvider<Complex>.PointWiseMultiplyArrays(Complex[] x, Complex[] y, Complex[] result)
        => Managed.PointWiseMultiplyArrays(x, y, result);
    void ILinearAlgebraProvider<Complex>.PointWiseDivideArrays(Complex[] x, Complex[] y, Complex[] result)
        => Managed.PointWiseDivideArrays(x, y, result);
    void ILinearAlgebraProvider<Complex>.PointWisePowerArrays(Complex[] x, Complex[] y, Complex[] result)
        => Managed.PointWisePowerArrays(x, y, result);
    double ILinearAlgebraProvider<Complex>.MatrixNorm(Norm norm, int rows, int columns, Complex[] matrix)
        => Managed.MatrixNorm(norm, rows, columns, matrix);
    void ILinearAlgebraProvider<Complex>.MatrixMultiply(Complex[] x, int rowsX, int columnsX, Complex[] y, int rowsY,
        int columnsY, Complex[] result)
        => Managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    void ILinearAlgebraProvider<Complex>.MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB,
        Complex alpha, Complex[] a, int rowsA, int columnsA, Complex[] b, int rowsB, int columnsB, Complex beta,
        Complex[] c)
        => Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta,
            c);
    void ILinearAlgebraProvider<Complex>.LUFactor(Complex[] data, int order, int[] ipiv)
        => Managed.LUFactor(data, order, ipiv);
    void ILinearAlgebraProvider<Complex>.LUInverse(Complex[] a, int order) => Managed.LUInverse(a, order);
    void ILinearAlgebraProvider<Complex>.LUInverseFactored(Complex[] a, int order, int[] ipiv)
        => Managed.LUInverseFactored(a, order, ipiv);
    void ILinearAlgebraProvider<Complex>.LUSolve(int columnsOfB, Complex[] a, int order, Complex[] b)
        => Managed.LUSolve(columnsOfB, a, order, b);
    void ILinearAlgebraProvider<Complex>.LUSolveFactored(int columnsOfB, Complex[] a, int order, int[] ipiv,
        Complex[] b)
        => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    void ILinearAlgebraProvider<Complex>.CholeskyFactor(Complex[] a, int order) => Managed.CholeskyFactor(a, order);
    void ILinearAlgebraProvider<Complex>.CholeskySolve(Complex[] a, int orderA, Complex[] b, int columnsB)
        => Managed.CholeskySolve(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<Complex>.CholeskySolveFactored(Complex[] a, int orderA, Complex[] b, int columnsB)
        => Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<Complex>.QRFactor(Complex[] a, int rowsA, int columnsA, Complex[] q, Complex[] tau)
        => Managed.QRFactor(a, rowsA, columnsA, q, tau);
    void ILinearAlgebraProvider<Complex>.ThinQRFactor(Complex[] a, int rowsA, int columnsA, Complex[] r, Complex[] tau)
        => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    void ILinearAlgebraProvider<Complex>.QRSolve(Complex[] a, int rows, int columns, Complex[] b, int columnsB,
        Complex[] x, QRMethod method)
        => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    void ILinearAlgebraProvider<Complex>.QRSolveFactored(Complex[] q, Complex[] r, int rowsA, int columnsA,
        Complex[] tau, Complex[] b, int columnsB, Complex[] x, QRMethod method)
        => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    void ILinearAlgebraProvider<Complex>.SingularValueDecomposition(bool computeVectors, Complex[] a, int rowsA,
        int columnsA, Complex[] s, Complex[] u, Complex[] vt)
        => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    void ILinearAlgebraProvider<Complex>.SvdSolve(Complex[] a, int rowsA, int columnsA, Complex[] b, int columnsB,
        Complex[] x)
        => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    void ILinearAlgebraProvider<Complex>.SvdSolveFactored(int rowsA, int columnsA, Complex[] s, Complex[] u,
        Complex[] vt, Complex[] b, int columnsB, Complex[] x)
        => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    void ILinearAlgebraProvider<Complex>.EigenDecomp(bool isSymmetric, int order, Complex[] matrix, Complex[] matrixEv,
        Complex[] vectorEv, Complex[] matrixD)
        => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // ---- ILinearAlgebraProvider<Complex32>
    void ILinearAlgebraProvider<Complex32>.AddVectorToScaledVector(Complex32[] y, Complex32 alpha, Complex32[] x,
        Complex32[] result)
        => Managed.AddVectorToScaledVector(y, alpha, x, result);
    void ILinearAlgebraProvider<Complex32>.ScaleArray(Complex32 alpha, Complex32[] x, Complex32[] result)
        => Managed.ScaleArray(alpha, x, result);
    void ILinearAlgebraProvider<Complex32>.ConjugateArray(Complex32[] x, Complex32[] result)
        => Managed.ConjugateArray(x, result);
    Complex32 ILinearAlgebraProvider<Complex32>.DotProduct(Complex32[] x, Complex32[] y) => Managed.DotProduct(x, y);
    void ILinearAlgebraProvider<Complex32>.AddArrays(Complex32[] x, Complex32[] y, Complex32[] result)
        => Managed.AddArrays(x, y, result);
    void ILinearAlgebraProvider<Complex32>.SubtractArrays(Complex32[] x, Complex32[] y, Complex32[] result)
        => Managed.SubtractArrays(x, y, result);
    void ILinearAlgebraProvider<Complex32>.PointWiseMultiplyArrays(Complex32[] x, Complex32[] y, Complex32[] result)
        => Managed.PointWiseMultiplyArrays(x, y, result);
    void ILinearAlgebraProvider<Complex32>.PointWiseDivideArrays(Complex32[] x, Complex32[] y, Complex32[] result)
        => Managed.PointWiseDivideArrays(x, y, result);
    void ILinearAlgebraProvider<Complex32>.PointWisePowerArrays(Complex32[] x, Complex32[] y, Complex32[] result)
        => Managed.PointWisePowerArrays(x, y, result);
    double ILinearAlgebraProvider<Complex32>.MatrixNorm(Norm norm, int rows, int columns, Complex32[] matrix)
        => Managed.MatrixNorm(norm, rows, columns, matrix);
    void ILinearAlgebraProvider<Complex32>.MatrixMultiply(Complex32[] x, int rowsX, int columnsX, Complex32[] y,
        int rowsY, int columnsY, Complex32[] result)
        => Managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    void ILinearAlgebraProvider<Complex32>.MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB,
        Complex32 alpha, Complex32[] a, int rowsA, int columnsA, Complex32[] b, int rowsB, int columnsB, Complex32 beta,
        Complex32[] c)
        => Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta,
            c);
    void ILinearAlgebraProvider<Complex32>.LUFactor(Complex32[] data, int order, int[] ipiv)
        => Managed.LUFactor(data, order, ipiv);
    void ILinearAlgebraProvider<Complex32>.LUInverse(Complex32[] a, int order) => Managed.LUInverse(a, order);
    void ILinearAlgebraProvider<Complex32>.LUInverseFactored(Complex32[] a, int order, int[] ipiv)
        => Managed.LUInverseFactored(a, order, ipiv);
    void ILinearAlgebraProvider<Complex32>.LUSolve(int columnsOfB, Complex32[] a, int order, Complex32[] b)
        => Managed.LUSolve(columnsOfB, a, order, b);
    void ILinearAlgebraProvider<Complex32>.LUSolveFactored(int columnsOfB, Complex32[] a, int order, int[] ipiv,
        Complex32[] b)
        => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    void ILinearAlgebraProvider<Complex32>.CholeskyFactor(Complex32[] a, int order) => Managed.CholeskyFactor(a, order);
    void ILinearAlgebraProvider<Complex32>.CholeskySolve(Complex32[] a, int orderA, Complex32[] b, int columnsB)
        => Managed.CholeskySolve(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<Complex32>.CholeskySolveFactored(Complex32[] a, int orderA, Complex32[] b, int columnsB)
        => Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<Complex32>.QRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] q,
        Complex32[] tau)
        => Managed.QRFactor(a, rowsA, columnsA, q, tau);
    void ILinearAlgebraProvider<Complex32>.ThinQRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] r,
        Complex32[] tau)
        => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    void ILinearAlgebraProvider<Complex32>.QRSolve(Complex32[] a, int rows, int columns, Complex32[] b, int columnsB,
        Complex32[] x, QRMethod method)
        => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    void ILinearAlgebraProvider<Complex32>.QRSolveFactored(Complex32[] q, Complex32[] r, int rowsA, int columnsA,
        Complex32[] tau, Complex32[] b, int columnsB, Complex32[] x, QRMethod method)
        => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    void ILinearAlgebraProvider<Complex32>.SingularValueDecomposition(bool computeVectors, Complex32[] a, int rowsA,
        int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt)
        => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    void ILinearAlgebraProvider<Complex32>.SvdSolve(Complex32[] a, int rowsA, int columnsA, Complex32[] b, int columnsB,
        Complex32[] x)
        => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    void ILinearAlgebraProvider<Complex32>.SvdSolveFactored(int rowsA, int columnsA, Complex32[] s, Complex32[] u,
        Complex32[] vt, Complex32[] b, int columnsB, Complex32[] x)
        => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    void ILinearAlgebraProvider<Complex32>.EigenDecomp(bool isSymmetric, int order, Complex32[] matrix,
        Complex32[] matrixEv, Complex[] vectorEv, Complex32[] matrixD)
        => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
}
