using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Optim;

public class SchedulesTests
{
    [Fact]
    public void WarmupScheduleByHand()
    {
        // lr = d^−½ · min(s^−½, s · w^−³ᐟ²) with d = 512, w = 4000 (the paper's base model):
        //   step 1:    512^−½ · 4000^−³ᐟ² = 1/(√512 · 4000 · √4000) = 1.746928107421711e-07
        //   step 4000: the peak, 1/√(512 · 4000) = 1/√2048000 = 6.987712429686843e-04
        //   step 16000: 1/√(512 · 16000) = 1/√8192000 = 3.4938562148434214e-04
        var s = new WarmupSchedule(512, 4000);
        Expect.Close(1.746928107421711e-07, s.At(1), 1e-20);
        Expect.Close(6.987712429686843e-04, s.At(4000), 1e-18);
        Expect.Close(3.4938562148434214e-04, s.At(16000), 1e-18);
        // Linear during the warm-up, 1/√step after it.
        Expect.Close(10 * s.At(1), s.At(10), 1e-20);
        Expect.Close(s.At(16000) / 2, s.At(64000), 1e-18);
        // The peak is the maximum.
        Assert.True(s.At(3999) < s.At(4000) && s.At(4001) < s.At(4000));
        // A factor scales everything.
        Expect.Close(2 * s.At(123), new WarmupSchedule(512, 4000, Factor: 2).At(123), 1e-20);

        Assert.Throws<ArgumentOutOfRangeException>(() => s.At(0));
        Assert.Throws<InvalidOperationException>(() => new WarmupSchedule(0, 10).At(1));
    }

    [Fact]
    public void WarmupCosineSchedule()
    {
        var s = new WarmupCosineSchedule(Peak: 1e-3, Warmup: 10, Total: 110, Floor: 1e-5);
        Expect.Close(1e-4, s.At(1), 1e-18);
        Expect.Close(1e-3, s.At(10), 1e-18);
        Expect.Close((1e-3 + 1e-5) / 2, s.At(60), 1e-18); // half-way through the decay: cos(π/2) = 0
        Assert.Equal(1e-5, s.At(110));
        Assert.Equal(1e-5, s.At(1000));
        Assert.True(s.At(30) > s.At(40));
    }

    [Fact]
    public void ConstantSchedule()
    {
        var s = new ConstantSchedule(0.25);
        Assert.Equal(0.25, s.At(1));
        Assert.Equal(0.25, s.At(1_000_000));
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void WarmupMatchesPyTorch()
    {
        var f = TorchFixture.Load("warmup_schedule");
        var s = new WarmupSchedule(f.ConfigInt("d_model"), f.ConfigInt("warmup"));
        var steps = f.Ints("input.step");
        var lr = f.Data("output.lr");
        for (int i = 0; i < steps.Length; i++) Expect.Close(lr[i], s.At(steps[i]), 1e-18, $"lr at step {steps[i]}");
    }
}
