"""Admin pieces that hold up against what a browser should never send: Django's own answer a
500 to it (tests/test_every_form.py sends it to every admin page)."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError


class KeyCheckingAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the form's value up to show it again; a value that
    is not a key ("\\x00", "abc" for a number) made that lookup, and the page, fail with a 500.
    Such a value is left out: the field's own error already says it is no choice."""

    def optgroups(self, name, value, attr=None):
        key = self.field.target_field

        def is_key(candidate):
            try:
                key.get_prep_value(key.to_python(candidate))
            except (TypeError, ValueError, ValidationError):
                return False
            return True

        return super().optgroups(name, [v for v in value if is_key(v)], attr)


class AutocompleteAdmin(admin.ModelAdmin):
    """A ModelAdmin whose autocomplete_fields (foreign keys) use the widget above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyCheckingAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DateHierarchyAdmin(admin.ModelAdmin):
    """A ModelAdmin with a date_hierarchy: a year past any date (?created_at__year=99…9)
    overflows where Django expects a ValueError; the list then answers as to any other filter
    it cannot apply, with its "?e=1" page."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class BoundedInline:
    """Inline rows with a bound: a request claiming more rows than max_num builds no more
    than that, and is refused with a message (a call's rubric and challenges, a
    questionnaire's steps, questions and choices)."""

    max_num = 50

    def get_formset(self, request, obj=None, **kwargs):
        bounds = {"validate_max": True, "absolute_max": self.max_num}
        return super().get_formset(request, obj, **bounds, **kwargs)
