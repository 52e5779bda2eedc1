using TransformerCourse.Autograd;
using TransformerCourse.Seq2Seq;

namespace TransformerCourse.Autograd.Kernels;

/// <summary>
/// The GRU gate arithmetic as one operation with a hand-written backward (fast: one graph node per step).
/// </summary>
internal static class GruOps
{
    /// <summary>h' = (1 − z) ⊙ n + z ⊙ h from gi (B×3H), gh (B×3H), h (B×H); see <see cref="GruCell"/>.</summary>
    public static Tensor Combine(Tensor gi, Tensor gh, Tensor h, IReadOnlyList<bool>? keep)
    {
        int b = h.Rows, hs = h.Cols;
        keep = keep?.ToArray();           // the backward below must see this step's mask, not a later one
        var giv = gi.Data.AsColumnMajorArray();
        var ghv = gh.Data.AsColumnMajorArray();
        var hv = h.Data.AsColumnMajorArray();
        var r = new double[b * hs];
        var z = new double[b * hs];
        var n = new double[b * hs];
        var outv = new double[b * hs];
        // Column-major: element (i, j) of a B×3H matrix is at i + j·B; gate blocks start at columns 0, H, 2H.
        for (int j = 0; j < hs; j++)
        {
            for (int i = 0; i < b; i++)
            {
                int k = i + j * b;
                int kr = k, kz = k + hs * b, kn = k + 2 * hs * b;
                r[k] = Tensor.StableSigmoid(giv[kr] + ghv[kr]);
                z[k] = Tensor.StableSigmoid(giv[kz] + ghv[kz]);
                n[k] = Math.Tanh(giv[kn] + r[k] * ghv[kn]);
                bool on = keep is null || keep[i];
                outv[k] = on ? (1 - z[k]) * n[k] + z[k] * hv[k] : hv[k];
            }
        }
        var data = new MathNet.Numerics.LinearAlgebra.Double.DenseMatrix(b, hs, outv);
        return Tensor.FromOp(data, "GruCell", [gi, gh, h], g =>
        {
            var gv = g.AsColumnMajorArray();
            var dgi = new double[b * 3 * hs];
            var dgh = new double[b * 3 * hs];
            var dh = new double[b * hs];
            for (int j = 0; j < hs; j++)
            {
                for (int i = 0; i < b; i++)
                {
                    int k = i + j * b;
                    double gk = gv[k];
                    if (keep is not null && !keep[i])
                    {
                        dh[k] = gk;
                        continue;
                    }
                    int kr = k, kz = k + hs * b, kn = k + 2 * hs * b;
                    dh[k] = gk * z[k];
                    double dnPre = gk * (1 - z[k]) * (1 - n[k] * n[k]);
                    double dzPre = gk * (hv[k] - n[k]) * z[k] * (1 - z[k]);
                    double drPre = dnPre * ghv[kn] * r[k] * (1 - r[k]);
                    dgi[kn] = dnPre;
                    dgh[kn] = dnPre * r[k];
                    dgi[kz] = dgh[kz] = dzPre;
                    dgi[kr] = dgh[kr] = drPre;
                }
            }
            gi.AddGradOwned(new MathNet.Numerics.LinearAlgebra.Double.DenseMatrix(b, 3 * hs, dgi));
            gh.AddGradOwned(new MathNet.Numerics.LinearAlgebra.Double.DenseMatrix(b, 3 * hs, dgh));
            h.AddGradOwned(new MathNet.Numerics.LinearAlgebra.Double.DenseMatrix(b, hs, dh));
        });
    }
}
