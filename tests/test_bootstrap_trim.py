"""The site ships only the part of Bootstrap it uses (bin/trim_bootstrap.py), and that part is
up to date with the templates: a class added to a template without running the script would
otherwise be silently unstyled."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIMMED = ROOT / "static" / "vendor" / "bootstrap-5.3.9" / "bootstrap.used.css"


def test_the_trimmed_bootstrap_is_what_the_script_makes_of_the_templates_today():
    result = subprocess.run(
        [sys.executable, "bin/trim_bootstrap.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pages_load_the_trimmed_bootstrap_and_it_keeps_what_they_use():
    for layout in ["base.html", "error_page.html"]:
        text = (ROOT / "templates" / layout).read_text()
        assert "bootstrap-5.3.9/bootstrap.used.css" in text
        assert "bootstrap.min.css" not in text
    css = TRIMMED.read_text()
    assert len(css.encode()) < 60 * 1024  # of Bootstrap's 227 KB
    for used in [".btn-primary{", ".form-control{", ".alert-danger{", ".text-bg-warning{"]:
        assert used in css
    for unused in [".carousel{", ".offcanvas{", ".tooltip{", "[data-bs-theme=dark]"]:
        assert unused not in css
