"""The address the email provider posts its delivery reports to: /mail/events/<provider>/.
Only the provider that sends the site's mail (EMAIL_BACKEND) is answered; django-anymail's view
for it checks the signature (or the basic-auth secret) before any report is read."""

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt


def sending_provider():
    """'mailgun' for anymail.backends.mailgun.EmailBackend; None for SMTP and the others."""
    module = settings.EMAIL_BACKEND.rpartition(".")[0]
    if module.startswith("anymail.backends.") and module.count(".") == 2:
        return module.rpartition(".")[2]
    return None


@csrf_exempt  # the provider signs its posts; it has no session or CSRF token
def provider_events(request, provider):
    if provider != sending_provider():
        raise Http404
    try:
        match = resolve(f"/{provider}/tracking/", urlconf="anymail.urls")
    except Resolver404:
        raise Http404 from None  # a provider whose reports anymail does not read (e.g. "test")
    return match.func(request)
