using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>Teacher forcing: the decoder's input is the target shifted right by one.</summary>
public class TeacherForcingTests
{
    [Fact]
    public void TeacherForcingShiftsByOne()
    {
        Assert.Equal([1, 7, 8, 9], TeacherForcing.DecoderInput([7, 8, 9]));
        Assert.Equal([7, 8, 9, 2], TeacherForcing.DecoderTarget([7, 8, 9]));
    }
}
