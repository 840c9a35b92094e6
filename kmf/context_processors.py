from django.conf import settings


def site(request):
    return {"contact_email": settings.KMF_CONTACT_EMAIL}
