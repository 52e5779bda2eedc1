namespace TransformerCourse.Tests;

/// <summary>The switch between fused kernels and the readable path: its default and its scopes.</summary>
public class KernelsTests
{
    [Fact]
    public void FusedByDefault()
    {
        bool seen = false;
        var thread = new Thread(() => seen = Kernels.Fused); // a fresh thread, outside any scope of this test
        thread.Start();
        thread.Join();
        Assert.True(seen);
        Assert.True(Kernels.Fused);
    }

    [Fact]
    public void UseSetsTheSwitchUntilDisposedThenRestoresIt()
    {
        Assert.True(Kernels.Fused);
        using (Kernels.Use(fused: false))
        {
            Assert.False(Kernels.Fused);
            using (Kernels.Use(fused: true))
            {
                Assert.True(Kernels.Fused);
            }
            Assert.False(Kernels.Fused); // the inner scope restores the outer one's setting
        }
        Assert.True(Kernels.Fused);
    }

    [Fact]
    public void DisposingAScopeTwiceRestoresOnlyOnce()
    {
        var outer = Kernels.Use(fused: false);
        var inner = Kernels.Use(fused: true);
        inner.Dispose();
        Assert.False(Kernels.Fused);
        inner.Dispose(); // a second Dispose must not undo anything again
        Assert.False(Kernels.Fused);
        outer.Dispose();
        Assert.True(Kernels.Fused);
        outer.Dispose();
        Assert.True(Kernels.Fused);
    }

    [Fact]
    public async Task TheScopeFlowsIntoTasksItStarts()
    {
        using (Kernels.Use(fused: false))
        {
            Assert.False(await Task.Run(() => Kernels.Fused));
            await Task.Yield();
            Assert.False(Kernels.Fused); // still in scope after an await, on whichever thread resumes
        }
        Assert.True(Kernels.Fused);
    }

    [Fact]
    public async Task AScopeInsideATaskDoesNotLeakToItsCaller()
    {
        await Task.Run(() =>
        {
            Kernels.Use(fused: false); // never disposed: the task's flow ends with it
            Assert.False(Kernels.Fused);
        });
        Assert.True(Kernels.Fused);
    }

    [Fact]
    public void AnotherThreadKeepsItsOwnSetting()
    {
        using var inScope = new ManualResetEventSlim();
        using var checkedOther = new ManualResetEventSlim();
        bool otherSaw = false, otherInOwnScope = true;
        // Started before the scope, so it does not inherit it.
        var other = new Thread(() =>
        {
            inScope.Wait();
            otherSaw = Kernels.Fused;
            using (Kernels.Use(fused: true))
            {
                otherInOwnScope = Kernels.Fused;
            }
            checkedOther.Set();
        });
        other.Start();
        using (Kernels.Use(fused: false))
        {
            inScope.Set();
            Assert.True(checkedOther.Wait(TimeSpan.FromSeconds(30)));
            Assert.False(Kernels.Fused); // the other thread's scope did not touch this one
        }
        other.Join();
        Assert.True(otherSaw);
        Assert.True(otherInOwnScope);
    }
}
