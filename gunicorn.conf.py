# Read by gunicorn from the working directory. The access log leaves out the client's address
# and the query string: logs carry no personal data (docs/SECURITY.md).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
