"""The floor: a bare Django project that serves pages of the same shape as ours (a list of 50
rows, a detail page with three child rows) from plain templates, so that bench/pages.py can time
them beside the site's, in the same run and with the same client (docs/BENCHMARKS.md, "The
floor"). It shares nothing with the site but Django, PostgreSQL and gunicorn."""
