from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import privacy
from .forms import DeleteAccountForm, ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def set_language(request):
    """Django's language switch, which also keeps the choice on a signed-in person's account.

    Only a language the site offers: Django's check_for_language says yes to any it has a
    catalogue for (its own German, "de-" followed by anything), which the account kept and
    UserLanguageMiddleware then activated on every page (or, too long for the column, a 500)."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return django_set_language(request)


def privacy_notice(request):
    return render(request, "accounts/privacy.html")


@login_required
def data_export(request):
    """All that is kept about the signed-in person, as a JSON file."""
    response = JsonResponse(privacy.personal_data(request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="kmf-my-data.json"'
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if form.is_valid():
        privacy.delete_account(request.user)
        logout(request)
        messages.success(request, _("Your account is deleted."))
        return redirect("submissions:home")
    return render(request, "accounts/delete_account.html", {"form": form})
