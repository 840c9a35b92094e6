"""The address the email provider posts its delivery reports to: /mail/events/<provider>/.
Only the provider that sends the site's mail (EMAIL_BACKEND) is answered; django-anymail's view
for it checks the signature (or the basic-auth secret) before any report is read."""

import logging

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)


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
    try:
        return match.func(request)
    except (TypeError, ValueError, KeyError, AttributeError):
        # A body of the wrong shape that a provider's signature check reads before it can
        # refuse it (anymail's Mailgun view on `[]`, on a token that is not ASCII).
        logger.warning("Refused a %s delivery report of the wrong shape", provider, exc_info=True)
        return HttpResponseBadRequest()
