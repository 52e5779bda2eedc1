using TransformerCourse.Data;

namespace TransformerCourse.Recipes.KoEn;

/// <summary>A subject: its Korean noun, English form and agreement, and the speech levels it goes with.</summary>
internal sealed record KoSubject(string Korean, string English, Agreement Agreement, Politeness[] Levels)
{
    public bool IsPlural => English is "we" or "they";
}

/// <summary>A profession for "X is a Y": Korean noun, English singular and plural.</summary>
internal sealed record KoProfession(string Korean, string Singular, string Plural);

/// <summary>An object noun: Korean, English as one thing ("an apple") and in general
/// ("apples", after "like").</summary>
internal sealed record KoObject(string Korean, string One, string General);

/// <summary>A place: Korean noun, English destination ("to the park", "home") and location ("in the park").</summary>
internal sealed record KoPlace(string Korean, string To, string At);

/// <summary>A time word and the tenses it fits.</summary>
internal sealed record KoTime(string Korean, string English, Tense[] Tenses);

/// <summary>
/// A verb with its English forms, the objects it takes (none for intransitive and motion verbs) and the places
/// where it plausibly happens (destinations for motion verbs). General: the object is meant in
/// general ("likes apples").
/// </summary>
internal sealed record KoVerb(KoreanVerb Korean, EnglishVerb English, string[] Objects, string[] Places,
    bool General = false);

/// <summary>
/// The ko→en grammar's words. Every Korean word form maps to exactly one English rendering, so each generated
/// Korean sentence has exactly one translation.
/// </summary>
internal static class KoEnLexicon
{
    private static readonly Politeness[] All = [Politeness.Formal, Politeness.Polite, Politeness.Plain];
    private static readonly Politeness[] PoliteOnly = [Politeness.Formal, Politeness.Polite];
    private static readonly Politeness[] PlainOnly = [Politeness.Plain];

    public static readonly KoSubject[] Subjects =
    [
        new("나", "I", Agreement.FirstSingular, All),
        new("저", "I", Agreement.FirstSingular, PoliteOnly),   // humble "I": polite speech only
        new("너", "you", Agreement.Other, PlainOnly),          // "you" between friends: plain speech only
        new("그", "he", Agreement.ThirdSingular, All),
        new("그녀", "she", Agreement.ThirdSingular, All),
        new("우리", "we", Agreement.Other, All),
        new("그들", "they", Agreement.Other, All),
        new("민수", "Minsu", Agreement.ThirdSingular, All),
        new("수진", "Sujin", Agreement.ThirdSingular, All),
        new("내 친구", "my friend", Agreement.ThirdSingular, All),
        new("제 친구", "my friend", Agreement.ThirdSingular, PoliteOnly),
        new("학생", "the student", Agreement.ThirdSingular, All),
    ];

    public static readonly KoProfession[] Professions =
    [
        new("학생", "student", "students"),
        new("선생님", "teacher", "teachers"),
        new("의사", "doctor", "doctors"),
        new("가수", "singer", "singers"),
        new("간호사", "nurse", "nurses"),
        new("배우", "actor", "actors"),
        new("요리사", "cook", "cooks"),
        new("회사원", "office worker", "office workers"),
        new("경찰관", "police officer", "police officers"),
        new("기자", "reporter", "reporters"),
    ];

    public static readonly KoObject[] Objects =
    [
        new("사과", "an apple", "apples"),
        new("빵", "bread", "bread"),
        new("밥", "rice", "rice"),
        new("케이크", "a cake", "cakes"),
        new("물", "water", "water"),
        new("커피", "coffee", "coffee"),
        new("우유", "milk", "milk"),
        new("차", "tea", "tea"),
        new("책", "a book", "books"),
        new("신문", "the newspaper", "newspapers"),
        new("편지", "a letter", "letters"),
        new("영화", "a movie", "movies"),
        new("뉴스", "the news", "the news"),
        new("음악", "music", "music"),
        new("한국어", "Korean", "Korean"),
        new("영어", "English", "English"),
        new("수학", "math", "math"),
        new("친구", "a friend", "friends"),
        new("선생님", "the teacher", "teachers"),
        new("가방", "a bag", "bags"),
    ];

    public static readonly KoPlace[] Places =
    [
        new("학교", "to school", "at school"),
        new("집", "home", "at home"),
        new("도서관", "to the library", "at the library"),
        new("공원", "to the park", "in the park"),
        new("병원", "to the hospital", "at the hospital"),
        new("식당", "to the restaurant", "at the restaurant"),
        new("회사", "to the office", "at the office"),
        new("카페", "to the cafe", "at the cafe"),
        new("시장", "to the market", "at the market"),
    ];

    public static readonly KoTime[] Times =
    [
        new("어제", "yesterday", [Tense.Past]),
        new("오늘", "today", [Tense.Present, Tense.Past, Tense.Future]),
        new("내일", "tomorrow", [Tense.Future]),
        new("매일", "every day", [Tense.Present]),
    ];

    private static readonly KoreanVerb Study = new("공부하다", nounHada: true);
    private static readonly EnglishVerb StudyEn = new("study", "studies", "studied");
    private static readonly string[] AllPlaces = Places.Select(p => p.Korean).ToArray();

    /// <summary>Verbs with an object (S는 O를 V ↔ S V O).</summary>
    public static readonly KoVerb[] Transitive =
    [
        new(new("먹다"), new("eat", "eats", "ate"), ["사과", "빵", "밥", "케이크"], ["집", "식당", "카페", "학교", "공원", "회사"]),
        new(new("마시다"), new("drink", "drinks", "drank"), ["물", "커피", "우유", "차"], ["집", "카페", "식당", "학교", "공원", "회사"]),
        new(new("읽다"), new("read", "reads", "read"), ["책", "신문", "편지"], ["도서관", "집", "카페", "학교", "공원"]),
        new(new("쓰다"), new("write", "writes", "wrote"), ["편지", "책"], ["집", "도서관", "카페", "학교", "회사"]),
        new(new("보다"), new("watch", "watches", "watched"), ["영화", "뉴스"], ["집", "카페", "학교"]),
        new(new("듣다", digeutIrregular: true), new("listen to", "listens to", "listened to"), ["음악", "뉴스"],
            ["집", "카페", "공원", "회사"]),
        new(new("사다"), new("buy", "buys", "bought"), ["사과", "빵", "책", "가방", "우유", "커피", "케이크"], ["시장", "카페"]),
        new(new("좋아하다"), new("like", "likes", "liked"), ["사과", "커피", "음악", "영화", "책", "수학", "우유", "차"], [],
            General: true),
        new(new("만나다"), new("meet", "meets", "met"), ["친구", "선생님"], ["학교", "카페", "공원", "식당", "도서관", "병원", "회사"]),
        new(Study, StudyEn, ["한국어", "영어", "수학"], ["학교", "집", "도서관", "카페"]),
        new(new("배우다"), new("learn", "learns", "learned"), ["한국어", "영어", "수학"], ["학교", "집", "도서관"]),
        new(new("만들다"), new("make", "makes", "made"), ["빵", "케이크"], ["집", "식당", "카페"]),
    ];

    /// <summary>Verbs without an object, optionally at a place (S는 P에서 V ↔ S V at P).</summary>
    public static readonly KoVerb[] Intransitive =
    [
        new(new("일하다", nounHada: true), new("work", "works", "worked"), [], ["병원", "식당", "회사", "학교", "카페", "시장"]),
        new(Study, StudyEn, [], ["학교", "집", "도서관", "카페"]),
        new(new("놀다"), new("play", "plays", "played"), [], ["공원", "집", "학교"]),
        new(new("자다"), new("sleep", "sleeps", "slept"), [], ["집"]),
        new(new("기다리다"), new("wait", "waits", "waited"), [], ["학교", "공원", "카페", "병원", "식당"]),
        new(new("운동하다", nounHada: true), new("exercise", "exercises", "exercised"), [], ["공원", "학교", "집"]),
    ];

    /// <summary>Verbs of motion to a place (S는 P에 V ↔ S V to P).</summary>
    public static readonly KoVerb[] Motion =
    [
        new(new("가다"), new("go", "goes", "went"), [], AllPlaces),
        new(new("오다"), new("come", "comes", "came"), [], AllPlaces),
    ];

    public static KoObject Object(string korean) => Objects.First(o => o.Korean == korean);

    public static KoPlace Place(string korean) => Places.First(p => p.Korean == korean);
}
