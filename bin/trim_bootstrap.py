"""Writes the part of Bootstrap the site uses: static/vendor/bootstrap-5.3.9/bootstrap.used.css.

Bootstrap's whole stylesheet is 230 KB, more than an applicant page may weigh on a first visit
(200 KB, uncompressed). There is no Sass toolchain here, so this cuts the compiled file: a rule
stays when every class it names occurs as a word somewhere the site writes classes (templates,
including those of allauth and crispy-bootstrap5, the scripts, and the Python code), the way
PurgeCSS does. Rules without classes (the reset, the variables) all stay.

    .venv/bin/python bin/trim_bootstrap.py           # after using a new Bootstrap class
    .venv/bin/python bin/trim_bootstrap.py --check   # exit 1 if the file is out of date
"""

import importlib.util
import re
import sys
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "static" / "vendor" / "bootstrap-5.3.9"
SOURCE = VENDOR / "bootstrap.min.css"
TARGET = VENDOR / "bootstrap.used.css"
# Packages whose templates or code put Bootstrap classes on the site's pages.
PACKAGES = ["allauth", "crispy_bootstrap5", "crispy_forms", "django_countries"]
SKIP = {"tests", "bench", "migrations"}  # bench/ has pages of its own
WORD = re.compile(r"[A-Za-z][\w-]*")
# "alert-{{ level }}" or "text-bg-{% if … %}": every class starting with the prefix stays.
PREFIX = re.compile(r"([A-Za-z][\w-]*-)\{[{%]")
CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
# Attributes Bootstrap's own JavaScript or its dark theme set; the site uses neither.
DATA_BS = re.compile(r"\[(data-bs-[\w-]+)")


def sources():
    """The files that may name a class: the site's templates and scripts, its apps' code, and
    the packages that render some of its pages (their versions are pinned, so the result is
    the same on every machine)."""
    apps = [path for path in ROOT.iterdir() if (path / "__init__.py").exists()]
    packages = [
        Path(location)
        for name in PACKAGES
        for location in importlib.util.find_spec(name).submodule_search_locations
    ]
    for root in [ROOT / "templates", ROOT / "static" / "js", *apps, *packages]:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".html", ".js", ".py"} and not SKIP & set(path.parts):
                yield path


def words_used():
    words, prefixes = set(), set()
    for path in sources():
        text = path.read_text(errors="ignore")
        words.update(WORD.findall(text))
        prefixes.update(PREFIX.findall(text))
    return words, tuple(prefixes)


def split_selectors(prelude):
    """The selectors of a rule's comma-separated list (commas inside brackets stay)."""
    selectors, depth, current = [], 0, ""
    for char in prelude:
        depth += (char in "([") - (char in ")]")
        if char == "," and depth == 0:
            selectors.append(current.strip())
            current = ""
        else:
            current += char
    return [*selectors, current.strip()]


def keep_selector(selector, words, prefixes):
    names = CLASS.findall(selector) + DATA_BS.findall(selector)
    return all(name in words or name.startswith(prefixes) for name in names)


def trim_rules(rules, words, prefixes):
    """The rules to keep, serialized; nested rules (@media, @supports…) are trimmed in turn."""
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [
                selector
                for selector in split_selectors(tinycss2.serialize(rule.prelude))
                if keep_selector(selector, words, prefixes)
            ]
            if selectors:
                kept.append(f"{','.join(selectors)}{{{tinycss2.serialize(rule.content)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports"}:
            inner = trim_rules(tinycss2.parse_rule_list(rule.content), words, prefixes)
            if inner:
                prelude = tinycss2.serialize(rule.prelude).strip()
                kept.append(f"@{rule.at_keyword} {prelude}{{{''.join(inner)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword != "charset":  # written first
            kept.append(rule.serialize())
    return kept


def drop_unused_keyframes(rules):
    """@keyframes whose animation no kept rule names (the spinners, the striped bars)."""
    keyframes = re.compile(r"@keyframes ([\w-]+)")
    text = "".join(rule for rule in rules if not keyframes.match(rule))
    return [rule for rule in rules if (m := keyframes.match(rule)) is None or m[1] in text]


def trimmed():
    source = SOURCE.read_text()
    licence = re.search(r"/\*!.*?\*/", source, re.S)[0]
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True)
    words, prefixes = words_used()
    kept = drop_unused_keyframes(trim_rules(rules, words, prefixes))
    note = "/* The rules the site uses, cut from bootstrap.min.css by bin/trim_bootstrap.py. */"
    return f'@charset "UTF-8";{licence}\n{note}\n{"".join(kept)}\n'


def main(argv):
    css = trimmed()
    if "--check" in argv:
        if TARGET.read_text() != css:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run bin/trim_bootstrap.py")
            return 1
        return 0
    TARGET.write_text(css)
    print(f"{SOURCE.stat().st_size // 1024} KB -> {len(css.encode()) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
