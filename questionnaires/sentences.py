"""The audit trail's sentences for questionnaires."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.wording import listed, says

# What an edit in the admin changed, by the part recorded (questionnaires.versions.record_change).
PARTS = {
    "name": gettext_lazy("its name"),
    "steps": gettext_lazy("steps"),
    "questions": gettext_lazy("questions"),
    "choices": gettext_lazy("choices"),
}


@says("questionnaire.created")
def created(who, entry):
    return _("%(who)s created the questionnaire.") % {"who": who}


@says("questionnaire.changed")
def changed(who, entry):
    parts = [PARTS.get(part, _("other parts")) for part in entry.details.get("fields", [])]
    return _("%(who)s changed the questionnaire: %(what)s.") % {
        "who": who,
        "what": listed(dict.fromkeys(str(part) for part in parts)),
    }


@says("questionnaire.imported")
def imported(who, entry):
    return _("%(who)s imported the questionnaire “%(name)s” from a file.") % {
        "who": who,
        "name": entry.details.get("name", ""),
    }


@says("questionnaire.new_version")
def new_version(who, entry):
    return _("%(who)s made this new version to edit, and moved the calls that asked the last.") % {
        "who": who
    }


@says("questionnaire.deleted")
def deleted(who, entry):
    return _("%(who)s deleted the questionnaire “%(name)s”.") % {
        "who": who,
        "name": entry.details.get("name", ""),
    }


@says("questionnaire.filled_in")
def filled_in(who, entry):
    given = [
        f"{question}{' → ' + column if column else ''} ({setting}: {value})"
        for question, column, setting, value in entry.details.get("given", [])
    ]
    return _(
        "%(who)s gave the questionnaire's questions what the platform reads of them: %(what)s."
    ) % {
        "who": who,
        "what": listed(given),
    }
