# The site's gunicorn.conf.py, less its access-log settings (the benchmark logs at "warning"):
# the same worker class; bench/common.py gives both the same workers and threads.
worker_class = "gthread"
