# Read by gunicorn from the working directory. The access log leaves out the client's address
# and the query string, and masks the keys of mailed links: logs carry no personal data and no
# secrets (docs/SECURITY.md).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logger_class = "core.access_log.RedactedAccessLogger"
