"""The French catalogue is complete, and the compiled catalogue the site loads matches it."""

import ast
import gettext
import re
from pathlib import Path

ENTRY_LINE = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$")
CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "fr" / "LC_MESSAGES"


def po_entries():
    """(msgid, msgid_plural, [msgstr, …], msgctxt) for each message of django.po, header
    excluded."""
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        fields = {}
        key = None
        for line in block.splitlines():
            if match := ENTRY_LINE.match(line):
                key, value = match.groups()
                fields[key] = ast.literal_eval(value)
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            strings = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            yield fields["msgid"], fields.get("msgid_plural"), strings, fields.get("msgctxt")


def test_every_message_has_a_french_translation():
    untranslated = [msgid for msgid, _, strings, _ in po_entries() if not all(strings)]

    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        french = gettext.GNUTranslations(compiled)

    for msgid, plural, strings, context in po_entries():
        if context:
            assert french.pgettext(context, msgid) == strings[0], msgid
        elif plural:
            assert french.ngettext(msgid, plural, 1) == strings[0]
            assert french.ngettext(msgid, plural, 5) == strings[1]
        else:
            assert french.gettext(msgid) == strings[0], msgid
