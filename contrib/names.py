"""Place names as keys that match across scripts, spellings and Russian cases.

`key`: the name as written, case and spacing aside. `sound`: a Latin key that different transliterations
of one name share (Zharkent, Jarkent, Джаркент and Жаркент are all "jarkent"). `lemmas`: the dictionary
forms of a Russian name by pymorphy3, so that "в Бахтах" and "Бахты", "у Нарынкола" and "Нарынкол" meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Cyrillic (Russian and Kazakh letters) -> Latin, one letter at a time.
CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya a gh q ng o u u h i".split(),
        strict=True,
    )
)
CYRILLIC = {k: ("" if v == "-" else v) for k, v in CYRILLIC.items()}
# Latin spellings of one sound -> one letter, longest first (applied in order).
SOUNDS = (
    ("shch", "s"), ("dzh", "j"), ("zh", "j"), ("dj", "j"), ("kh", "h"), ("gh", "g"), ("ts", "c"), ("ch", "c"),
    ("sh", "s"), ("q", "k"), ("x", "ks"), ("w", "v"), ("yo", "o"), ("ye", "e"), ("ya", "a"), ("yu", "u"),
    ("iu", "u"), ("ia", "a"), ("y", "i"), ("ii", "i"), ("oo", "o"), ("ee", "e"),
)  # fmt: skip
# Words before a name that are not part of it: Russian prepositions and kind words, English ones.
LEADING = re.compile(
    r"^(?:(?:в|во|у|близ|около|под|из|к|от|на|с|за|возле|в районе|the|near|at|in|by|around)\s+)?"
    r"(?:(?:села|селе|село|аула|ауле|аул|пос\.|посёлка|поселка|урочища|урочище|г\.|с\.|village of|town of|"
    r"the village of|the town of|the)\s+)?",
    re.I,
)
TRAILING = re.compile(
    r"\s+(?:pass|valley|tract|area|mountains?|village|settlement|outpost|district|uezd|volost|province|region|"
    r"перевал|урочище|долина|аул|село)$",
    re.I,
)


def key(name: str) -> str:
    """The name as written: case, accents of Latin letters, punctuation and spacing aside."""
    text = unicodedata.normalize("NFKC", str(name)).casefold().replace("ё", "е")
    text = re.sub(r"[\"'«»“”„()\[\],.;:!?]", " ", text)
    return " ".join(text.split())


def bare(name: str) -> str:
    """The name without the words around it ("у Нарынкола" -> "Нарынкола", "Selke pass" -> "Selke")."""
    text = " ".join(str(name).split())
    return TRAILING.sub("", LEADING.sub("", text)).strip() or text


def to_latin(text: str) -> str:
    """Cyrillic letters transliterated; others as they are (accents dropped)."""
    latin = "".join(CYRILLIC.get(c, c) for c in key(text))
    return "".join(c for c in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(c))


def sound(name: str) -> str:
    """A Latin key that the spellings of one name share."""
    text = re.sub(r"[^a-z ]", "", to_latin(bare(name)).replace("-", " "))
    for spelled, one in SOUNDS:
        text = text.replace(spelled, one)
    return re.sub(r"(.)\1", r"\1", " ".join(text.split()))


def is_cyrillic(text: str) -> bool:
    return any("CYRILLIC" in unicodedata.name(c, "") for c in str(text))


@cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@cache
def lemmas(name: str) -> frozenset[str]:
    """The dictionary forms of a Russian name, word by word (each word's forms joined); empty for no Cyrillic."""
    words = key(bare(name)).split()
    if not words or not all(is_cyrillic(w) for w in words):
        return frozenset()
    forms = [sorted({p.normal_form.replace("ё", "е") for p in _morph().parse(w)} | {w}) for w in words]
    out = {""}
    for options in forms:
        out = {f"{prefix} {option}".strip() for prefix in out for option in options[:4]}
    return frozenset(out)
