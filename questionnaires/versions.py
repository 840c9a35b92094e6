"""Versions of a questionnaire: once a version has answers it is never changed in place.

Submissions marks a version answered when an application is first started or saved in it
(`mark_answered`); the admin then shows it read-only, and an edit starts with `new_version`, a
copy that the calls asking the old version ask from then on. Applications keep pointing at the
version their answers were given in, and drafts move to the call's current one when next saved
or submitted.

Whatever writes a version holds its row (`held`) until it commits; `mark_answered` updates that
row, so a first answer waits for an edit in progress, and the edit, reading `answered_at` under
the hold, is refused once answers came first.
"""

from functools import cache

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import trail

from . import checks
from . import definition as definitions
from .models import ROLE_KINDS, Question, Questionnaire


def mark_answered(questionnaire_id):
    """Record that answers are given in this version (one UPDATE, only the first time)."""
    Questionnaire.objects.filter(pk=questionnaire_id, answered_at=None).update(
        answered_at=timezone.now()
    )


def is_answered(questionnaire):
    return questionnaire.answered_at is not None


def newer_version(questionnaire):
    """The version made from this one, if there is one."""
    return questionnaire.next_versions.order_by("-version").first()


def held(questionnaire_id):
    """The questionnaire as it is now, its row held until the transaction commits (None when
    there is no such questionnaire)."""
    return Questionnaire.objects.select_for_update().filter(pk=questionnaire_id).first()


class NoNewVersion(Exception):
    """Why no new version is made of a questionnaire, and the one to edit instead."""

    def __init__(self, message, to_edit):
        super().__init__(message)
        self.message = message
        self.to_edit = to_edit


def why_no_new_version(questionnaire):
    newer = newer_version(questionnaire)
    if newer is not None:
        return NoNewVersion(_("A newer version exists already: edit that one."), newer)
    if not is_answered(questionnaire):
        return NoNewVersion(_("This version has no answers yet: edit it here."), questionnaire)
    return None


def new_version(*, questionnaire, actor):
    """Copy `questionnaire` (steps, questions, columns, choices, both languages) as its next
    version, and point every call that asks it at the copy. Raises NoNewVersion when a newer
    version exists (two clicks at once make one copy) or no answers were given in it yet."""
    try:
        return _copy(questionnaire, actor)
    except IntegrityError:
        # A version has one next version (the constraint "one_next_version"): another request
        # made it past the hold, where the database has none (SQLite).
        newer = newer_version(questionnaire)
        if newer is None:
            raise
        raise NoNewVersion(_("A newer version exists already: edit that one."), newer) from None


@transaction.atomic
def _copy(questionnaire, actor):
    questionnaire = held(questionnaire.pk)
    refusal = why_no_new_version(questionnaire)
    if refusal is not None:
        raise refusal
    copy = definitions.save(definitions.build(questionnaire.pk), previous=questionnaire)
    calls = list(questionnaire.calls.order_by("pk"))
    questionnaire.calls.update(questionnaire=copy)
    trail.record(
        actor,
        "questionnaire.new_version",
        copy,
        previous=questionnaire.pk,
        calls=[call.pk for call in calls],
    )
    for call in calls:
        trail.record(actor, "call.changed", call, fields=["questionnaire"])
    return copy


@transaction.atomic
def import_definition(*, definition, actor):
    """A questionnaire (version 1) from a file the Secretariat uploaded, already read."""
    questionnaire = definitions.save(definition)
    trail.record(actor, "questionnaire.imported", questionnaire, name=questionnaire.name)
    return questionnaire


def record_change(*, questionnaire, actor, created, parts):
    """The audit entry of an edit in the admin, naming what changed; and the questionnaire's
    `updated_at` moved on, so that every process reads the new definition."""
    Questionnaire.objects.filter(pk=questionnaire.pk).update(updated_at=timezone.now())
    action = "questionnaire.created" if created else "questionnaire.changed"
    trail.record(actor, action, questionnaire, fields=sorted(parts))


# What `fill_in` may give a question that lacks it: what the platform reads of an answer, not
# what the applicant is asked.
FILLED_IN = ("role", "named_check")


@transaction.atomic
def fill_in(*, questionnaire, settings, actor=None):
    """Give a version's questions the settings they lack, in place: `settings` maps (question
    key, column key or "") to {"role": …, "named_check": …}. A setting already given (by the
    Secretariat or a load before) is left as it is. A role may be given to a version with
    answers (it asks nothing new: the platform reads the answers given); a check only to one
    without (it would refuse answers given under it). Recorded once, naming what was given;
    returns those (question, column, setting, value)."""
    questionnaire = held(questionnaire.pk)
    if questionnaire is None:
        return []
    rows = {
        (q.row_of.key if q.row_of_id else q.key, q.key if q.row_of_id else ""): q
        for q in Question.objects.filter(questionnaire=questionnaire).select_related("row_of")
    }
    taken = {(q.row_of_id, q.role) for q in rows.values() if q.role}

    @cache
    def built(questionnaire):
        return definitions.build(questionnaire.pk)

    given = []
    for place, wanted in settings.items():
        question = rows.get(place)
        if question is None:
            continue
        changed = []
        for name, value in wanted.items():
            if name not in FILLED_IN or getattr(question, name) or not value:
                continue
            if name == "named_check" and (
                is_answered(questionnaire)
                or place[1]
                or checks.named(value) is None
                or checks.named(value).misfit(built(questionnaire).by_key[place[0]])
            ):
                continue  # nor on a question the Secretariat made into one it does not fit
            # A role fits its kind, and is given once among a question's columns or the
            # questionnaire's questions.
            if name == "role" and (
                question.kind not in ROLE_KINDS.get(value, ())
                or (question.row_of_id, value) in taken
            ):
                continue
            if name == "role":
                taken.add((question.row_of_id, value))
            setattr(question, name, value)
            changed.append(name)
            given.append([*place, name, value])
        if changed:
            question.save(update_fields=changed)
    if given:
        Questionnaire.objects.filter(pk=questionnaire.pk).update(updated_at=timezone.now())
        trail.record(actor, "questionnaire.filled_in", questionnaire, given=given)
    return given
