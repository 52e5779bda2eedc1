using TransformerCourse.Data;

namespace TransformerCourse.Recipes.KoEn;

/// <summary>The time of a generated sentence.</summary>
public enum Tense
{
    /// <summary>먹습니다 / eats.</summary>
    Present,
    /// <summary>먹었습니다 / ate.</summary>
    Past,
    /// <summary>먹을 것입니다 / will eat.</summary>
    Future,
}

/// <summary>Korean negation; English has one form for both ("does not eat").</summary>
public enum Negation
{
    /// <summary>Affirmative: 먹습니다.</summary>
    None,
    /// <summary>Short negation, 안 before the verb: 안 먹습니다 (for noun+하다 verbs before 하다: 공부 안 합니다).</summary>
    Short,
    /// <summary>Long negation, stem + 지 않다: 먹지 않습니다.</summary>
    Long,
}

/// <summary>Korean speech levels; English has no equivalent, so all three translate alike.</summary>
public enum Politeness
{
    /// <summary>Formal polite 합니다체: 갑니다, 학생입니다 (news, speeches, first meetings).</summary>
    Formal,
    /// <summary>Informal polite 해요체: 가요, 학생이에요 (everyday polite speech).</summary>
    Polite,
    /// <summary>Plain 반말 (해체): 가, 학생이야 (friends, younger people).</summary>
    Plain,
}
