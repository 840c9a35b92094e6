"""Queries whose SQL is built once per process, for the few that every request runs: building
and compiling them cost more CPU than the database took to answer (a session and a user, with
its roles: ~1 ms each of a page's ~10)."""

from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class Prepared:
    model: type[Model]
    sql: str
    params: tuple
    slots: dict  # name: where in `params` each run puts its own value

    def get(self, **values):
        """The one row the query finds with `values` in its slots, or None."""
        params = list(self.params)
        for name, value in values.items():
            params[self.slots[name]] = value
        return next(iter(self.model._default_manager.raw(self.sql, params)), None)


def prepare(queryset, **stand_ins) -> Prepared:
    """`queryset` compiled once. Each of `stand_ins` is a value put in its filters where each
    run puts its own, as the database is sent it (a field's get_db_prep_value), found once
    among the query's parameters."""
    sql, params = queryset.query.sql_with_params()
    slots = {}
    for name, stand_in in stand_ins.items():
        found = [index for index, param in enumerate(params) if param == stand_in]
        if len(found) != 1:
            raise ValueError(f"{name}'s stand-in is {len(found)} times in {sql!r} {params!r}")
        slots[name] = found[0]
    return Prepared(queryset.model, sql, tuple(params), slots)
