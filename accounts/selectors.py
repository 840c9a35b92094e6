from .models import User

# What a page shows of a person met through another row (a reviewer, an author, an actor): their
# name, or their email without one (User.__str__). Their other columns, read along, only cost
# the SQL compilation and the rows' building on every page.
_NOT_SHOWN = tuple(
    field.name for field in User._meta.concrete_fields if field.name not in {"id", "name", "email"}
)


def with_names(queryset, *relations):
    """`queryset` joined to the users its `relations` name, each read for its name and email
    only: a template that reads anything else of them makes a query per row."""
    return queryset.select_related(*relations).defer(
        *(f"{relation}__{field}" for relation in relations for field in _NOT_SHOWN)
    )
