"""Company-name normalisation and the name index that resolves free text to registry entities.

Normalisation is deliberately conservative: it removes what never tells two companies apart
(letter case, Unicode compatibility forms, punctuation, spacing, legal-form words such as
``Co., Ltd.``, ``K.K.``, ``株式会社`` or ``GmbH``) and nothing else. It never transliterates
(``华为`` and ``Huawei`` stay different strings; the registry links them by listing both as
aliases), and it keeps words such as ``Technologies``, ``Holding`` or ``Group`` that do tell
companies apart.
"""

from __future__ import annotations

import collections
import re
import unicodedata
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from vendorpolicy._resolution import Candidate, Match, MatchMethod

__all__ = [
    "CJK_GENERIC_WORDS",
    "DROPPED",
    "GENERIC_WORDS",
    "LEGAL_FORMS",
    "NameIndex",
    "Resolver",
    "cjk_stem",
    "distinctive_core",
    "is_cjk",
    "is_generic",
    "is_generic_or_form",
    "may_be_slip",
    "normalise_name",
]

#: Legal-form words removed from the end of a name (after punctuation is gone, so ``Co., Ltd.``
#: is the two words ``co ltd`` and ``K.K.`` the one word ``kk``).
_SUFFIXES = frozenset(
    {
        # English and international
        "co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited",
        "llc", "llp", "lp", "plc", "pty", "pte", "sdn", "bhd",
        # Continental Europe
        "gmbh", "ag", "kg", "mbh", "se", "sa", "sas", "sarl", "srl", "spa", "nv", "bv",
        "ab", "publ", "as", "asa", "oy", "oyj", "aps", "sp", "zoo",
        # Japan (romanised)
        "kk", "kabushiki", "kaisha", "gk", "yk",
        # CJK written as a separate word
        "株式会社", "有限会社", "合同会社", "有限公司", "股份有限公司", "有限责任公司",
        "有限責任公司", "公司", "株", "有",
    }
)  # fmt: skip
#: Legal-form words removed from the start of a name: Russian forms, Indonesian ``PT``, the
#: Japanese ``株式会社`` (and its short form ``(株)``) and a leading ``the``.
_PREFIXES = frozenset({"the", "ao", "ooo", "oao", "pao", "zao", "pt", "株式会社", "株", "有"})
#: Legal forms written in CJK scripts, which run on without a space: removed from the end (or,
#: for 株式会社, the start) of a word. Longest first.
_CJK_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "公司",
)
_CJK_PREFIXES = ("株式会社",)
#: Every legal form removed, for the documentation and tests.
LEGAL_FORMS: frozenset[str] = _SUFFIXES | _PREFIXES | frozenset(_CJK_SUFFIXES)
_LONGEST_FORM = max(len(form) for form in LEGAL_FORMS)

#: Apostrophes (straight, typographic, modifier letter, grave and acute) are dropped, not spaced.
_DROP = frozenset("'\u2019\u02bc`\u00b4")
DROPPED = _DROP


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = _DOTTED.sub(_undot, text)
    chars: list[str] = []
    for ch in text:
        if ch in _DROP:
            continue
        if ch == "&":
            chars.append(" and ")
            continue
        category = unicodedata.category(ch)
        if category[0] in "PSZC":
            chars.append(" ")
        else:
            chars.append(ch)
    return _letters_joined("".join(chars).split())


def _letters_joined(words: list[str]) -> list[str]:
    """``words`` with each run of two or more one-letter (or one-digit) ASCII words written
    as one word, as a dotted abbreviation is: ``z t e`` → ``zte``, ``h i k v i s i o n`` →
    ``hikvision``."""
    out: list[str] = []
    after_letter = False
    for word in words:
        letter = len(word) == 1 and word.isascii() and word.isalnum()
        if letter and after_letter:
            out[-1] += word
        else:
            out.append(word)
        after_letter = letter
    return out


#: Abbreviations written with dots between single letters or digits (``K.K.``, ``S.A.``,
#: ``L.L.C.``): their dots are dropped so they read as one word (``kk``, ``sa``, ``llc``).
_DOTTED = re.compile(r"(?<![0-9a-z])[0-9a-z](?:\.[0-9a-z])+\.?(?![0-9a-z])")


def _undot(match: re.Match[str]) -> str:
    return match.group(0).replace(".", "")


def _strip_forms(tokens: list[str]) -> list[str]:
    """``tokens`` without legal forms at the ends, never the last word. Linear in the length
    of the text: words leave from the ends of a deque, and a word's run of CJK forms is
    measured by index and cut once."""
    words = collections.deque(tokens)
    while True:
        several = len(words) > 1
        if several and words[-1] in _SUFFIXES:
            words.pop()
            continue
        if several and words[0] in _PREFIXES:
            words.popleft()
            continue
        if not words:
            return []
        last, end = words[-1], len(words[-1])
        while end:
            form = _cjk_suffix(last, end)
            if form is None:
                break
            end -= len(form)
            if several and end <= _LONGEST_FORM and last[:end] in _SUFFIXES:
                break  # a legal-form word is left: the loop above removes it
        if end < len(last):
            words[-1] = last[:end]
            continue
        first, start = words[0], 0
        while True:
            form = next(
                (
                    f
                    for f in _CJK_PREFIXES
                    if len(first) - start > len(f) and first.startswith(f, start)
                ),
                None,
            )
            if form is None:
                break
            start += len(form)
            if several and len(first) - start <= _LONGEST_FORM and first[start:] in _PREFIXES:
                break
        if start:
            words[0] = first[start:]
            continue
        return list(words)


#: The CJK suffixes by their last character, longest first.
_CJK_BY_LAST: dict[str, tuple[str, ...]] = {
    last: tuple(f for f in _CJK_SUFFIXES if f[-1] == last)
    for last in {f[-1] for f in _CJK_SUFFIXES}
}


def _cjk_suffix(word: str, end: int) -> str | None:
    """The longest CJK legal form ending ``word[:end]`` and shorter than it, if any."""
    for form in _CJK_BY_LAST.get(word[end - 1], ()):
        if end > len(form) and word.endswith(form, 0, end):
            return form
    return None


def normalise_name(name: str) -> str:
    """The normalised form of a company name, used to compare names.

    Applies Unicode NFKC and case folding, joins dotted abbreviations (``K.K.`` → ``kk``) and
    letters written apart (``Z T E`` → ``zte``), drops apostrophes, turns ``&`` into ``and``
    and every other punctuation mark or symbol into a space, and removes legal-form words from
    the ends (see :data:`LEGAL_FORMS`), but never the last word. The result is idempotent:
    normalising it again changes nothing.

    >>> normalise_name("Huawei Technologies Co., Ltd.")
    'huawei technologies'
    >>> normalise_name("HUAWEI TECHNOLOGIES JAPAN K.K.")
    'huawei technologies japan'
    >>> normalise_name("华为技术有限公司")
    '华为技术'
    >>> normalise_name("ZT Systems")
    'zt systems'
    >>> normalise_name("Z T E Corporation")
    'zte'
    """
    return " ".join(_strip_forms(_tokens(name)))


#: Words that the names of many unrelated companies share: places (the country a subsidiary is
#: registered in), and what companies of a trade call themselves. A name's *distinctive* words
#: are its other words; two names that share only such words (``SAP Deutschland GmbH`` and ``ZTE
#: Deutschland GmbH``) are not a slip of each other, however many letters they share.
GENERIC_WORDS = frozenset(
    {
        # places
        "africa", "america", "american", "americas", "asia", "asian", "australia",
        "australian", "austria", "belgium", "benelux", "brasil", "brazil", "britain",
        "british", "canada", "canadian", "china", "chinese", "danmark", "denmark",
        "deutschland", "england", "espana", "europe", "european", "finland", "france",
        "french", "german", "germany", "global", "hong", "india", "international", "ireland",
        "italia", "italy", "japan", "japanese", "kong", "korea", "mexico", "nederland",
        "netherlands", "new", "nippon", "nordic", "norge", "norway", "polska", "schweiz",
        "singapore", "spain", "suisse", "sverige", "sweden", "switzerland", "taiwan", "uk",
        "usa", "worldwide", "zealand",
        # trades and kinds of company
        "branch", "cloud", "communication", "communications", "device", "devices", "digital",
        "office",
        "electronic", "electronics", "engineering", "enterprise", "enterprises", "equipment",
        "group", "holding", "holdings", "industrial", "industries", "investment",
        "investments", "lab", "labs", "mobile", "network", "networks", "operations",
        "products", "research", "security", "service", "services", "software", "solutions",
        "systems", "tech", "technologies", "technology", "telecom", "telecommunications",
        "trading",
    }
)  # fmt: skip
#: Generic words and legal forms long enough that one slip of them is still read as the word.
_GENERIC_LONG = tuple(w for w in GENERIC_WORDS | LEGAL_FORMS if len(w) >= 6)


def _slips(a: str, b: str, limit: int) -> int:
    """The number of slips (a character dropped, added or changed, or two neighbours swapped)
    between ``a`` and ``b``, or ``limit + 1`` when it is more than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def is_generic_or_form(word: str) -> bool:
    """Whether ``word`` (normalised) is exactly a generic word or a legal form."""
    return word in GENERIC_WORDS or word in LEGAL_FORMS


def is_generic(word: str) -> bool:
    """Whether ``word`` (normalised) is a generic word or a legal form, or one slip from a long
    one: a word many unrelated companies' names share."""
    if is_generic_or_form(word):
        return True
    return len(word) >= 6 and any(_slips(word, g, 1) <= 1 for g in _GENERIC_LONG)


_is_generic = is_generic


#: Words that many unrelated companies' names written in CJK scripts share, which run on without
#: a space: places (where a company or branch is registered) and what companies of a trade call
#: themselves, in simplified and traditional characters. `cjk_stem` strips them from the ends of
#: a name to find its brand (``杭州海康威视数字技术`` → ``海康威视``).
CJK_GENERIC_WORDS = frozenset(
    {
        # places
        "中国", "中國", "日本", "香港", "台湾", "臺灣", "台灣", "北京", "上海", "深圳", "深圳市",
        "杭州", "杭州市", "浙江", "浙江省", "广东", "广东省", "廣東", "东莞", "東莞", "成都",
        "南京", "武汉", "武漢", "西安", "苏州", "蘇州", "天津", "重庆", "重慶", "美国", "美國",
        "欧洲", "歐洲", "德国", "德國", "英国", "英國", "国际", "國際", "ジャパン",
        # trades and kinds of company
        "技术", "技術", "科技", "通讯", "通訊", "通信", "数字", "數字", "智能", "航空", "电子",
        "電子", "集团", "集團", "控股", "投资", "投資", "终端", "終端", "云计算", "雲計算",
        "软件", "軟件", "軟體", "网络", "網絡", "網路", "系统", "系統", "设备", "設備",
        "分公司", "实业", "實業", "工业", "工業", "信息", "資訊", "服务", "服務", "股份", "有限",
        "贸易", "貿易", "器材", "产品", "產品",
    }
)  # fmt: skip
_CJK_GENERIC_LONGEST = max(len(w) for w in CJK_GENERIC_WORDS)


def is_cjk(text: str) -> bool:
    """Whether every character of ``text`` (non-empty) is a CJK ideograph, kana or hangul: a
    script that runs words on without a space."""
    return bool(text) and all(
        "\u3040" <= c <= "\u30ff"  # hiragana, katakana
        or "\u3400" <= c <= "\u4dbf"  # ideographs, extension A
        or "\u4e00" <= c <= "\u9fff"  # ideographs
        or "\uac00" <= c <= "\ud7af"  # hangul
        or "\uf900" <= c <= "\ufaff"  # compatibility ideographs
        or c == "\u30fc"
        for c in text
    )


def cjk_stem(word: str) -> str:
    """The brand of a normalised one-word name written in a CJK script: the word without the
    generic words (:data:`CJK_GENERIC_WORDS`) at its ends, longest first, never shorter than
    two characters. A word that is not all CJK is returned as it is.

    >>> cjk_stem("杭州海康威视数字技术")
    '海康威视'
    >>> cjk_stem("华为技术")
    '华为'
    >>> cjk_stem("技术")
    '技术'
    """
    if not is_cjk(word):
        return word
    stem = word
    while True:
        for n in range(min(_CJK_GENERIC_LONGEST, len(stem) - 2), 0, -1):
            if stem[-n:] in CJK_GENERIC_WORDS:
                stem = stem[:-n]
                break
            if stem[:n] in CJK_GENERIC_WORDS:
                stem = stem[n:]
                break
        else:
            return stem


def distinctive_core(name: str) -> str:
    """The distinctive words of ``name``'s normalised form (those that are not generic, see
    :func:`is_generic`), written together: what tells the company apart, spacing aside.

    >>> distinctive_core("Futurewei Technologies, Inc.")
    'futurewei'
    >>> distinctive_core("Z T E Corporation")
    'zte'
    >>> distinctive_core("SAP Deutschland GmbH")
    'sap'
    """
    return "".join(w for w in normalise_name(name).split() if not is_generic(w))


def may_be_slip(query: str, name: str) -> bool:
    """Whether the company name ``query`` may be ``name`` mistyped, read by the words that
    tell companies apart: some run of the query's neighbouring words, written together, is
    within a slip of a run of the name's that holds a distinctive word (within two slips where
    that run has ten distinctive letters or more). The words are those of
    :func:`normalise_name` before the legal forms are removed, which count as generic. A name
    with no distinctive word may be any slip (only the whole names' similarity tells); a query
    with words but none distinctive shares only generic words with the name, and is no slip of
    it. Runs written together let a space dropped or added (``Hik Vision``,
    ``AOKaspersky Lab``) count as the slip it is.
    """
    readings = [(words, [not _is_generic(w) for w in words]) for words in _readings(name)]
    if not any(any(marks) for _, marks in readings):
        return True
    mine = _readings(query)
    if not any(not _is_generic(w) for words in mine for w in words):
        return not any(mine)
    runs = {
        "".join(words[i:j])
        for words in mine
        for i in range(len(words))
        for j in range(i + 1, len(words) + 1)
    }
    for words, marks in readings:
        for i in range(len(words)):
            letters = 0
            for j in range(i, len(words)):
                if marks[j]:
                    letters += len(words[j])
                if not letters:
                    continue
                run = "".join(words[i : j + 1])
                limit = 2 if letters >= 10 else 1
                if any(_slips(mine_run, run, limit) <= limit for mine_run in runs):
                    return True
    return False


def _readings(name: str) -> list[list[str]]:
    """The words of ``name`` with its legal forms and without them (as :func:`normalise_name`
    reads them, CJK forms written on included)."""
    words = _tokens(name)
    normal = _strip_forms(list(words))
    return [words] if normal == words else [words, normal]


def _grams(key: str) -> set[str]:
    padded = f" {key} "
    if len(padded) < 3:
        return {padded}
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@runtime_checkable
class Resolver(Protocol):
    """Anything that turns a free-text name into a :class:`Match`.

    The built-in resolver is the :class:`NameIndex` a registry builds for itself. Plug in your own
    (a better matcher, a lookup in your vendor master) with
    ``rules.evaluate(purchase, registry=registry, resolver=mine)``. Whatever the resolver, a
    :class:`Match` can only identify an entity by an exact id, an exact alias or a normalised
    alias; anything else must come back as candidates.
    """

    def resolve(self, name: str, *, country: str | None = None) -> Match:
        """Match ``name`` (with the supplier's country, when known)."""
        ...


class NameIndex:
    """An index of registry names: dictionaries for exact and normalised lookups, and a trigram
    index for similar-name candidates, so resolving a name never scans the registry.

    ``entries`` gives, per entity, its id, its country (or ``None``) and its names (legal name
    first, then aliases).
    """

    #: Similar names scoring below this are not offered as candidates.
    min_score = 0.5
    #: At most this many candidates are returned.
    max_candidates = 5
    #: Trigrams shared by more names than this are too common to tell names apart; skipped.
    max_posting = 1000
    #: Similar names are looked up through this many of the query's rarest trigrams.
    probe_grams = 6
    #: Answers kept for names asked again (the cache starts afresh when it is full).
    max_answers = 10_000

    def __init__(self, entries: Iterable[tuple[str, str | None, Iterable[str]]]) -> None:
        self._country: dict[str, str | None] = {}
        self._exact: dict[str, dict[str, str]] = {}
        self._normal: dict[str, dict[str, str]] = {}
        for entity, country, names in entries:
            self._country[entity] = country
            for name in names:
                text = name.strip()
                if not text:
                    continue
                self._exact.setdefault(text, {}).setdefault(entity, name)
                key = normalise_name(text)
                if key:
                    self._normal.setdefault(key, {}).setdefault(entity, name)
        self._keys = list(self._normal)
        self._key_grams = [_grams(k) for k in self._keys]
        postings: dict[str, list[int]] = collections.defaultdict(list)
        for i, grams in enumerate(self._key_grams):
            for gram in grams:
                postings[gram].append(i)
        self._postings = dict(postings)
        #: Answers already given: ledgers repeat their suppliers and buyers.
        self._answers: dict[tuple[str, str | None], Match] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def resolve(self, name: str, *, country: str | None = None) -> Match:
        """Match ``name``: by id, exact alias, normalised alias, or else similar names.

        A name identifies an entity only when no other entity carries a name with the same
        normalised form, however it matched: an exact id or alias of one entity does not beat
        another's normalised name (a vendor master's ``HUAWEI TECHNOLOGIES CO LTD`` next to the
        registry's ``Huawei Technologies Co., Ltd.``). Several entities sharing the name are
        narrowed to those in ``country`` when it is given; if still more than one, the match is
        ambiguous and they are the candidates.
        """
        answer = self._answers.get((name, country))
        if answer is None:
            if len(self._answers) >= self.max_answers:
                self._answers.clear()
            answer = self._answers[(name, country)] = self._resolve(name, country)
        return answer

    def _resolve(self, name: str, country: str | None) -> Match:
        text = name.strip()
        key = normalise_name(text)
        hits: dict[str, tuple[str, MatchMethod]] = {}
        if text in self._country:
            method = MatchMethod.EXACT_ID
            hits[text] = (text, method)
        elif text in self._exact:
            method = MatchMethod.EXACT_ALIAS
            hits.update((e, (n, method)) for e, n in self._exact[text].items())
        else:
            method = MatchMethod.NORMALISED_ALIAS
        for entity, alias in (self._normal.get(key, {}) if key else {}).items():
            hits.setdefault(entity, (alias, MatchMethod.NORMALISED_ALIAS))
        if hits:
            return self._settle(name, method, hits, country)
        candidates = self._similar(key) if key else []
        if not candidates:
            return Match(query=name, method=MatchMethod.NONE)
        return Match(
            query=name,
            method=MatchMethod.FUZZY,
            score=candidates[0].score,
            candidates=tuple(candidates),
        )

    def _settle(
        self,
        query: str,
        method: MatchMethod,
        hits: dict[str, tuple[str, MatchMethod]],
        country: str | None,
    ) -> Match:
        entities = sorted(hits)
        if len(entities) > 1 and country is not None:
            local = [e for e in entities if self._country.get(e) == country]
            if len(local) == 1:
                entities = local
        if len(entities) == 1:
            return Match(query=query, method=hits[entities[0]][1], entity=entities[0], score=1.0)
        return Match(
            query=query,
            method=method,
            score=1.0,
            candidates=tuple(
                Candidate(entity=e, name=hits[e][0], method=hits[e][1], score=1.0) for e in entities
            ),
        )

    def _similar(self, key: str) -> list[Candidate]:
        grams = _grams(key)
        # Candidates come from the rarest trigrams only (they say the most and cost the least);
        # the shortlist is then scored on all trigrams.
        postings = sorted(
            (
                p
                for p in map(self._postings.get, grams)
                if p is not None and len(p) <= self.max_posting
            ),
            key=len,
        )
        counts: collections.Counter[int] = collections.Counter()
        for posting in postings[: self.probe_grams]:
            counts.update(posting)
        best: dict[str, Candidate] = {}
        for index, _ in counts.most_common(4 * self.max_candidates):
            other = self._key_grams[index]
            score = 2 * len(grams & other) / (len(grams) + len(other))
            if score < self.min_score:
                continue
            for entity, alias in self._normal[self._keys[index]].items():
                known = best.get(entity)
                if known is None or score > known.score:
                    best[entity] = Candidate(
                        entity=entity, name=alias, method=MatchMethod.FUZZY, score=round(score, 4)
                    )
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.entity))
        return ranked[: self.max_candidates]
