namespace TransformerCourse.Tests;

/// <summary>The switch between fused kernels and the readable path: its default and its scopes.</summary>
public class KernelSwitchTests
{
    [Fact]
    public void FusedByDefault()
    {
        bool seen = false;
        var thread = new Thread(() => seen = KernelSwitch.Fused); // a fresh thread, outside any scope of this test
        thread.Start();
        thread.Join();
        Assert.True(seen);
        Assert.True(KernelSwitch.Fused);
    }

    [Fact]
    public void UseSetsTheSwitchUntilDisposedThenRestoresIt()
    {
        Assert.True(KernelSwitch.Fused);
        using (KernelSwitch.Use(fused: false))
        {
            Assert.False(KernelSwitch.Fused);
            using (KernelSwitch.Use(fused: true))
            {
                Assert.True(KernelSwitch.Fused);
            }
            Assert.False(KernelSwitch.Fused); // the inner scope restores the outer one's setting
        }
        Assert.True(KernelSwitch.Fused);
    }

    [Fact]
    public void DisposingAScopeTwiceRestoresOnlyOnce()
    {
        var outer = KernelSwitch.Use(fused: false);
        var inner = KernelSwitch.Use(fused: true);
        inner.Dispose();
        Assert.False(KernelSwitch.Fused);
        inner.Dispose(); // a second Dispose must not undo anything again
        Assert.False(KernelSwitch.Fused);
        outer.Dispose();
        Assert.True(KernelSwitch.Fused);
        outer.Dispose();
        Assert.True(KernelSwitch.Fused);
    }

    [Fact]
    public async Task TheScopeFlowsIntoTasksItStarts()
    {
        using (KernelSwitch.Use(fused: false))
        {
            Assert.False(await Task.Run(() => KernelSwitch.Fused));
            await Task.Yield();
            Assert.False(KernelSwitch.Fused); // still in scope after an await, on whichever thread resumes
        }
        Assert.True(KernelSwitch.Fused);
    }

    [Fact]
    public async Task AScopeInsideATaskDoesNotLeakToItsCaller()
    {
        await Task.Run(() =>
        {
            KernelSwitch.Use(fused: false); // never disposed: the task's flow ends with it
            Assert.False(KernelSwitch.Fused);
        });
        Assert.True(KernelSwitch.Fused);
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
            otherSaw = KernelSwitch.Fused;
            using (KernelSwitch.Use(fused: true))
            {
                otherInOwnScope = KernelSwitch.Fused;
            }
            checkedOther.Set();
        });
        other.Start();
        using (KernelSwitch.Use(fused: false))
        {
            inScope.Set();
            Assert.True(checkedOther.Wait(TimeSpan.FromSeconds(30)));
            Assert.False(KernelSwitch.Fused); // the other thread's scope did not touch this one
        }
        other.Join();
        Assert.True(otherSaw);
        Assert.True(otherInOwnScope);
    }
}
