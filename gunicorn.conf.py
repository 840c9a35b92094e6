# Read by gunicorn from the working directory. The access log leaves out the client's address
# and the query string, and masks the keys of mailed links: logs carry no personal data and no
# secrets (docs/SECURITY.md).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logger_class = "core.access_log.RedactedAccessLogger"

# Threaded workers answer the arbiter's heartbeat from their main loop while a request runs, so
# a download that streams for longer than the 30-s timeout (an export of tens of thousands of
# EOIs, a slow phone connection) is not killed half-way, as a sync worker would be. One thread
# per worker unless --threads says otherwise: one request at a time per worker, as before.
worker_class = "gthread"
