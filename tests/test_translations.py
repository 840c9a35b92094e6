"""The French catalogues are complete, the compiled catalogues the site loads match them, and the
scripts' words go through the JavaScript catalogue like every other text: one `make messages`
covers everything."""

import ast
import gettext
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

ENTRY_LINE = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$")
ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES"
# django: Python, templates and the default mail wording; djangojs: static/js.
DOMAINS = ["django", "djangojs"]
SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js"))  # ours; static/vendor is not


def po_entries(domain):
    """(msgid, msgid_plural, [msgstr, …], msgctxt) for each message of a domain's .po file,
    header excluded."""
    text = (CATALOGUE / f"{domain}.po").read_text(encoding="utf-8")
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


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_has_a_french_translation(domain):
    untranslated = [msgid for msgid, _, strings, _ in po_entries(domain) if not all(strings)]

    assert untranslated == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_catalogue_matches_the_source(domain):
    with (CATALOGUE / f"{domain}.mo").open("rb") as compiled:
        french = gettext.GNUTranslations(compiled)

    for msgid, plural, strings, context in po_entries(domain):
        if context:
            assert french.pgettext(context, msgid) == strings[0], msgid
        elif plural:
            # French puts 0 and 1 in the singular.
            assert french.ngettext(msgid, plural, 0) == strings[0]
            assert french.ngettext(msgid, plural, 1) == strings[0]
            assert french.ngettext(msgid, plural, 5) == strings[1]
        else:
            assert french.gettext(msgid) == strings[0], msgid


# The scripts' string literals, read as a JavaScript parser would: comments and regular
# expressions are neither strings nor words.
SCRIPT_TOKEN = re.compile(
    r"""(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<regex>(?<=[(,=:!&|?{};])\s*/(?![/*])(?:[^/\\\n\[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[a-z]*)
    |(?P<code>[\w$]+|\s+|.)""",
    re.DOTALL | re.VERBOSE,
)
TRANSLATED = {"gettext": 1, "ngettext": 2}  # function: how many leading arguments are msgids
# What a script may write without the catalogue: no words for people, only names for the
# machine (events, attributes, classes, selectors, methods, cookies) and punctuation.
TECHNICAL = re.compile(
    r"""(?![A-Z][a-z]+[.!?]*$)[\w.-]*  # an event, attribute, class, method or header name…
    |[\w-]*(\[[\w-]+(=[\w-]+)?\])+(:[\w-]+)?  # …a CSS selector…
    |(;\s[\w-]+(=[\w/-]+)?)+  # …cookie attributes…
    |[a-z]+:  # …a URL scheme…
    |[\W\d_]*  # …or no letter at all
    """,
    re.VERBOSE,
)
# Written as a JavaScript directive or a list of class names, not words for people.
TECHNICAL_WITH_SPACES = {"use strict", "word-count small"}
KEY_NAMES = {"Enter", "Escape"}  # KeyboardEvent.key values, which read like words


def script_strings(path):
    """(value, translated) for each string literal of a script, in order; `translated` says
    whether it is a msgid of a gettext() or ngettext() call."""
    tokens = [
        (match.lastgroup, match.group())
        for match in SCRIPT_TOKEN.finditer(path.read_text(encoding="utf-8"))
        if match.lastgroup != "comment" and not match.group().isspace()
    ]
    for index, (kind, text) in enumerate(tokens):
        if kind != "string":
            continue
        body = text[1:-1].replace("\\'", "'").replace('\\"', '"').replace('"', '\\"')
        value = json.loads(f'"{body}"')
        # Walk back over the msgids before this one to the call that takes them.
        position, before = index - 1, 0
        while position > 1 and tokens[position][1] == "," and tokens[position - 1][0] == "string":
            position, before = position - 2, before + 1
        call = tokens[position - 1][1] if tokens[position][1] == "(" else None
        yield value, TRANSLATED.get(call, 0) > before


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_every_word_a_script_shows_goes_through_the_javascript_catalogue(script):
    languages = {code for code, _ in settings.LANGUAGES}

    untranslated = [
        value
        for value, translated in script_strings(script)
        if not translated
        and value not in TECHNICAL_WITH_SPACES | KEY_NAMES
        and (not TECHNICAL.fullmatch(value) or value in languages)
    ]

    # A language's words picked by `lang === "fr"` bypass the catalogue just the same.
    assert untranslated == [], "write them as gettext(…), ngettext(…) and run `make messages`"


def test_every_word_of_the_scripts_is_in_the_french_javascript_catalogue():
    msgids = {text for msgid, plural, _, _ in po_entries("djangojs") for text in (msgid, plural)}

    used = {
        value for script in SCRIPTS for value, translated in script_strings(script) if translated
    }

    assert used, "the scripts use the catalogue"
    assert used - msgids == set(), "run `make messages` and translate what is new"


def test_the_script_checks_tell_words_from_names(tmp_path):
    script = tmp_path / "sample.js"
    script.write_text(
        '// "Comments" are not shown.\n'
        'var a = "Saved";\n'
        'if (lang === "fr") b.textContent = words + " mots";\n'
        'c.textContent = gettext("Saving…") + ngettext("%(count)s day", "%(count)s days", n);\n'
        'd = x.split(/\\s+"Regex"/); e.querySelector("input[name=version]");\n'
        "f(\"don't\", 'it\\'s');\n"
        'g.addEventListener("click", h); i.classList.toggle("text-danger"); j("—");\n',
        encoding="utf-8",
    )
    languages = {code for code, _ in settings.LANGUAGES}

    strings = list(script_strings(script))
    words = [
        value
        for value, translated in strings
        if not translated and (not TECHNICAL.fullmatch(value) or value in languages)
    ]

    assert words == ["Saved", "fr", " mots", "don't", "it's"]
    assert [value for value, translated in strings if translated] == [
        "Saving…",
        "%(count)s day",
        "%(count)s days",
    ]


def test_no_text_asks_for_a_key_a_phone_does_not_have():
    """Choosing several options is a tap on a phone: no text says to hold Ctrl or ⌘."""
    said = [msgid for msgid, _plural, _strings, _context in po_entries("django")]

    assert [text for text in said if re.search(r"\bCtrl\b|⌘|\bCmd\b", text)] == []


# French typography: a no-break space (U+00A0, or the narrow U+202F) before : ; ! ? » and %,
# and after «. What only looks like punctuation is set aside first: placeholders ("%(name)s",
# "{name}"), tags and URLs ("https:", "mailto:"), HTML entities ("&amp;"), times ("14:02") and
# JSON keys ('{"en": …}').
NO_BREAK = "\u00a0\u202f"
NOT_PROSE = re.compile(
    r"""%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}  # placeholders
    |<[^>]*>|\b[a-z]+://\S+  # tags (with their "mailto:") and URLs
    |&\#?\w+;|\d:\d|"\w+":  # entities, times, JSON keys
    """,
    re.VERBOSE,
)
MISSET = re.compile(rf"(?<=[^{NO_BREAK}])[:;!?»]|«(?![{NO_BREAK}])|(?<=[\d\x00]) ?%")


def typography_faults(text):
    """The marks of `text` that French wants a no-break space beside, each with what is
    around it ("…" for what was set aside)."""
    prose = NOT_PROSE.sub("\x00", text)
    return [
        (
            match.group().strip(),
            prose[max(0, match.start() - 12) : match.end() + 3].replace("\x00", "…"),
        )
        for match in MISSET.finditer(prose)
    ]


def test_the_typography_check_tells_punctuation_from_look_alikes():
    fine = "Date limite\u00a0: %(deadline)s à 14:02, voir https://kmf.example/?a=1 &amp; 12\u00a0%"
    assert typography_faults(fine) == []

    faults = typography_faults("« %(name)s » ; 30 %, %(share)s% ! Non?")

    assert [mark for mark, _around in faults] == ["«", "»", ";", "%", "%", "!", "?"]


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_french_catalogue_keeps_french_typography(domain):
    faults = {
        msgid: found
        for msgid, _plural, strings, _context in po_entries(domain)
        for found in [[fault for text in strings for fault in typography_faults(text)]]
        if found
    }

    assert faults == {}


def french_of(data):
    """Every French text of the seed questionnaire (its {"en": …, "fr": …} pairs)."""
    if isinstance(data, dict):
        yield from ([data["fr"]] if isinstance(data.get("fr"), str) else [])
        for value in data.values():
            yield from french_of(value)
    elif isinstance(data, list):
        for value in data:
            yield from french_of(value)


def test_the_french_of_the_2021_seed_keeps_french_typography():
    seed = ROOT / "submissions" / "seed"
    texts = [
        *french_of(json.loads((seed / "kmf-2021-eoi.json").read_text(encoding="utf-8"))),
        *(seed / "kmf-2021-call.fr.md").read_text(encoding="utf-8").splitlines(),
    ]

    assert [fault for text in texts for fault in typography_faults(text)] == []
