import gc
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
# What the worker has loaded by now (modules, the URLconf, the template libraries: ~180,000
# objects) lives as long as it does: out of the collector's sight, each request's collections
# no longer walk it (10-12 ms of garbage collection a request on the EOI list at 5,000 EOIs,
# 4-7 ms after, measured under load). Collected first, so that no start-up garbage is frozen.
gc.collect()
gc.freeze()
