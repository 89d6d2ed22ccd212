"""The three catalogs are complete: no untranslated or fuzzy entry, placeholders kept, the right script."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ["zh_Hans_CN", "mn_Mong_CN", "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def _template_ids():
    with open(ROOT / "translations" / "messages.pot", "rb") as f:
        return {m.id for m in read_po(f) if m.id}


@pytest.mark.parametrize("locale", CATALOGS)
def test_every_message_is_translated_and_none_is_fuzzy(locale):
    catalog = _catalog(locale)
    assert not catalog.fuzzy, "the catalog header is marked fuzzy: pybabel compile would skip it"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(("untranslated", message.id))
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
    assert problems == []
    assert {m.id for m in catalog if m.id} >= _template_ids(), "the catalog misses messages: run make extract-messages"


@pytest.mark.parametrize("locale", CATALOGS)
def test_translations_keep_their_placeholders(locale):
    problems = []
    for message in _catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(PLACEHOLDER.findall(ids[0]))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != wanted:
                problems.append((message.id, string))
    assert problems == []


def test_the_mongolian_catalog_is_in_mongolian_script_not_cyrillic():
    for message in _catalog("mn_Mong_CN"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert not re.search("[\u0400-\u04ff]", string), (message.id, string)
            letters = re.sub(r"%\(\w+\)[sd]|[\W\d_]", "", message.id if isinstance(message.id, str) else message.id[0])
            if re.search("[A-Za-z]", letters) and message.id not in {"PDF", "Word (.docx)"}:
                assert re.search("[\u1820-\u18af]", string), (message.id, string)
