import os

from django.core.wsgi import get_wsgi_application

# Not setdefault: the benchmark process that starts this one has the site's settings set.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.floor.settings"
application = get_wsgi_application()
