"""{{ form|fast_crispy }} writes what crispy-forms' {{ form|crispy }} writes (whitespace
aside), on every form of the pages it is used on: each step of the application (empty, filled
in, and sent back with errors, in English and French), its repeating rows, and the review
pages' forms."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.utils import translation

from review.forms import CommentForm, ConflictForm, DecisionForm, ReviewForm
from review.models import Criterion, eoi_rubric
from submissions import answers
from submissions.forms import MessageForm, StepForms, steps_of
from submissions.templatetags.fast_forms import fast_crispy
from tests.factories import EOIFactory

pytestmark = pytest.mark.django_db


def same_html(html):
    """The HTML with its whitespace as a browser reads it between tags: none."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*>\s*", ">", re.sub(r"\s*<\s*", "<", html)).strip()


def assert_same(form):
    # Crispy keeps the classes it adds on the widget: each renderer gets a form of its own.
    ours, theirs = form(), form()
    assert same_html(fast_crispy(ours)) == same_html(as_crispy_form(theirs))


def junk(form):
    """Data that every field of `form` refuses where it can refuse anything."""
    data = {}
    for name, field in form.fields.items():
        data[form.add_prefix(name)] = "not-a-value-" + "x" * 60_000
        if field.__class__.__name__ == "BooleanField":
            data[form.add_prefix(name)] = "on"
    return data


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_step_of_the_application(language):
    eoi = EOIFactory()
    with translation.override(language):
        steps = [s for s in steps_of(answers.edited_in(eoi)) if s.asks and not s.asks.has_files]
        assert steps
        for step in steps:
            blank = StepForms(eoi, step)
            assert_same(lambda step=step: StepForms(eoi, step).form)
            for key in blank.rows:
                assert_same(lambda step=step, key=key: StepForms(eoi, step).rows[key].forms[0])
            bad = junk(blank.form)
            assert_same(lambda step=step, bad=bad: _checked(StepForms(eoi, step, bad).form))
            eoi.status = eoi.Status.SUBMITTED  # every required answer required
            assert_same(lambda step=step: _checked(StepForms(eoi, step, {"version": 1}).form))
            eoi.status = eoi.Status.DRAFT


def _checked(form):
    form.is_valid()
    assert form.errors
    return form


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_review_pages_forms(language):
    eoi = _scored_eoi()
    with translation.override(language):
        for form in (
            DecisionForm,
            lambda: _checked(DecisionForm({"outcome": "nonsense"})),
            CommentForm,
            lambda: _checked(CommentForm({"discussion-text": ""})),
            MessageForm,
            ConflictForm,
            lambda: _checked(ConflictForm({}, after_reading=True)),
            lambda: ReviewForm(criteria=list(eoi_rubric(eoi.call)), scale=eoi.call.score_scale_max),
            # Radio buttons checked, refused and missing: their errors in the last option.
            lambda: _checked(
                ReviewForm(
                    {**_scores(eoi, "2"), _score_name(eoi): "99"},
                    criteria=list(eoi_rubric(eoi.call)),
                    scale=eoi.call.score_scale_max,
                    submitting=True,
                )
            ),
            lambda: _checked(
                ReviewForm(
                    {},
                    criteria=list(eoi_rubric(eoi.call)),
                    scale=eoi.call.score_scale_max,
                    submitting=True,
                )
            ),
        ):
            assert_same(form)


def _score_name(eoi):
    return f"score_{eoi.call.criteria.first().pk}"


def _scores(eoi, value):
    return {f"score_{criterion.pk}": value for criterion in eoi_rubric(eoi.call)}


def _scored_eoi():
    """An EOI whose call has a rubric of two criteria: one with descriptors and a description
    (the help text) that need escaping, one without."""
    eoi = EOIFactory()
    Criterion.objects.create(
        call=eoi.call,
        position=1,
        title='Relevance <& "fit">',
        weight=60,
        description="What <b>matters</b> & why",
        descriptors=["Weak", "Fair <ok>", "", "Good", "Very good"],
    )
    Criterion.objects.create(call=eoi.call, position=2, title="Feasibility", weight=40)
    return eoi


def test_the_radio_buttons_are_written_whole():
    """Radio buttons no longer go through crispy's templates, and keep what they hold: the
    weight, the checked score, each option's label."""
    eoi = _scored_eoi()
    criteria = list(eoi_rubric(eoi.call))
    form = ReviewForm(_scores(eoi, "3"), criteria=criteria, scale=eoi.call.score_scale_max)
    html = same_html(fast_crispy(form))
    name = f"score_{criteria[0].pk}"
    assert (
        f'<input type="radio" class="form-check-input" name="{name}" value="3" '
        f'data-weight="{criteria[0].weight}" id="id_{name}_2" checked>'
    ) in html
    assert (
        f'<fieldset aria-describedby="id_{name}_helptext"><legend class="form-label fs-6">'
        "Relevance &lt;&amp; &quot;fit&quot;&gt; (60%)</legend>"
    ) in html
    assert f'<label for="id_{name}_1" class="form-check-label">2 · Fair &lt;ok&gt;</label>' in html


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("data", [None, "junk"])
def test_the_lists_filters_field_by_field(language, data):
    """{{ field|fast_crispy_field }} writes what {{ field|as_crispy_field }} writes, on each
    Secretariat list's filters and the form that saves a view, empty and sent back wrong."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from notifications.models import OutboundEmail
    from review.filters import AssignmentFilter, EOIFilter, OutboxFilter, ReviewFilter
    from review.forms import SavedViewForm
    from review.models import Assignment, Review
    from submissions.models import ExpressionOfInterest
    from submissions.templatetags.fast_forms import fast_crispy_field
    from tests.factories import ApplicantFactory

    call = EOIFactory().call
    reviewers = [ApplicantFactory(name="Ada <Reviewer>")]
    forms = {
        "eois": lambda d: (
            EOIFilter(
                d, queryset=ExpressionOfInterest.objects.all(), call=call, reviewers=reviewers
            ).form
        ),
        "reviews": lambda d: (
            ReviewFilter(d, queryset=Review.objects.all(), reviewers=reviewers).form
        ),
        "assignments": lambda d: (
            AssignmentFilter(d, queryset=Assignment.objects.all(), reviewers=reviewers).form
        ),
        "outbox": lambda d: OutboxFilter(d, queryset=OutboundEmail.objects.all()).form,
        "saved view": lambda d: SavedViewForm(d, owner=reviewers[0], call=call, list_name="eois"),
    }
    with translation.override(language):
        for name, make in forms.items():
            data_for = (lambda form: junk(form)) if data else (lambda form: None)
            ours, theirs = make(data_for(make(None))), make(data_for(make(None)))
            if data:
                assert not ours.is_valid(), name
                theirs.is_valid()
            for mine, crispys in zip(ours, theirs, strict=True):
                assert same_html(fast_crispy_field(mine)) == same_html(as_crispy_field(crispys))
