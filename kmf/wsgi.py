import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kmf.settings.base")

application = get_wsgi_application()


def warm_up():
    """Import every view and template tag library now, as the worker starts, rather than
    during its first request, which took ~1.1 s instead of ~55 ms (docs/BENCHMARKS.md)."""
    from django.template import engines
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the URLconf, and with it every view module)
    for engine in engines.all():
        engine.engine.template_libraries  # noqa: B018  (every app's template tags)


warm_up()
