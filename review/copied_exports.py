"""The CSV exports on PostgreSQL: the database puts every cell into words and writes the file
(COPY … TO STDOUT), the server passes its bytes on.

The same file as review/exports.py writes row by row in Python (a test compares the two on the
same EOIs), about five times faster: at 50,000 EOIs Python spent 12–14 s of CPU turning answers
into text and quoting it (docs/BENCHMARKS.md, "Exports stream"). Each cell is built here as
exports.Answers.cell and core.tables.spreadsheet_safe build it. Answers that Python puts into
the reader's own number and date formats (a date, an amount or a percentage inside repeating
rows) have no counterpart here: a questionnaire that asks one is exported by Python.
"""

import json

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django_countries import countries
from psycopg2 import sql as psycopg_sql

from core import tables
from questionnaires.answers import country_name
from questionnaires.models import Kind, Role
from questionnaires.validators import KEY
from submissions import answers as eoi_answers
from submissions.models import ExpressionOfInterest

from . import exports
from .models import Review, Score
from .selectors import sorted_eois

# Kinds this module says as Python does; anything else (a date, or an amount, a percentage or a
# date in repeating rows) leaves the export to Python.
SAID_AT_TOP = {*exports.AS_TYPED, *exports.FEW_VALUES, *exports.NUMBERS, Kind.ROWS}
SAID_IN_ROWS = {*exports.AS_TYPED, *exports.FEW_VALUES, Kind.INTEGER}
# core.tables.FORMULA_STARTS as SQL (a control character by its code: chr() is folded once).
FORMULA_STARTS = ", ".join(
    f"'{start}'" if start.isprintable() else f"chr({ord(start)})" for start in tables.FORMULA_STARTS
)
# A yes-or-no figure as Python's csv writes a bool.
BOOLEAN = "CASE WHEN {0} THEN 'True' WHEN NOT {0} THEN 'False' END"


def available(definition=None):
    """Whether PostgreSQL can write the export (of EOIs answering this questionnaire) as
    Python would."""
    if connection.vendor != "postgresql":
        return False
    if definition is None:
        return True
    for question in definition.questions:
        if question.is_file:
            continue
        if not all(KEY.fullmatch(q.key) for q in (question, *question.columns)):
            return False  # a key is a column name here (validate_key keeps them plain)
        if question.kind not in SAID_AT_TOP:
            return False
        if any(column.kind not in SAID_IN_ROWS for column in question.columns):
            return False
    return True


class Sql:
    """Values as SQL literals, quoted by psycopg2 (COPY takes no parameters)."""

    def __init__(self, raw_connection):
        self.raw_connection = raw_connection

    def value(self, value):
        # Doubled %: the whole query is formatted once more, to bind the ORM's parameters.
        return psycopg_sql.Literal(value).as_string(self.raw_connection).replace("%", "%%")

    def words(self, mapping):
        """A {value: words} map as a jsonb constant (parsed once per query)."""
        return f"({self.value(json.dumps(mapping))}::jsonb)"

    def text(self, value):
        return f"({self.value(value)}::text)"


def safe(column):
    """The text of `column` (a computed value, cheap to read again) quoted as spreadsheet_safe
    quotes it."""
    quote = "''''"
    return (
        f"CASE WHEN left({column}, 1) IN ({FORMULA_STARTS}) THEN {quote} || {column} "
        f"ELSE {column} END"
    )


def copy_query(inner, cells, laterals=""):
    """A SELECT of `cells` ((expression, is text) pairs) over the rows of `inner`, a query in
    the export's order. Each cell is computed once, in a subquery not folded into the outer one,
    then quoted where it is text. The rows keep `inner`'s order: a sorted subquery, joined row
    by row to functions of its row, with no sort after (sorting the written cells would sort
    every byte of the file)."""
    words = ", ".join(f"NULLIF({cell}, '') AS w{n}" for n, (cell, _text) in enumerate(cells))
    shown = ", ".join(
        safe(f"w.w{n}") if text else f"w.w{n}" for n, (_cell, text) in enumerate(cells)
    )
    return (
        f"SELECT {shown} FROM ({inner} OFFSET 0) AS t {laterals} "
        f"CROSS JOIN LATERAL (SELECT {words} OFFSET 0) AS w"
    )


class Cells:
    """Answers into words in SQL, as exports.Answers does in Python, for one export."""

    def __init__(self, sql, challenges):
        self.sql = sql
        self.challenges = challenges
        self.countries = None

    def _country_words(self):
        if self.countries is None:
            self.countries = self.sql.words({code: country_name(code) for code, _name in countries})
        return self.countries

    def _labels(self, question):
        if question.role == Role.CHALLENGES and self.challenges is not None:
            return self.sql.words(self.challenges)
        labels = {}
        for choice in question.choices:
            labels.setdefault(choice.value, str(choice.label))
        return self.sql.words(labels)

    def _strings(self, value):
        """Whether `value` (jsonb) is a list of strings, as fits() asks of several choices."""
        return (
            f"(jsonb_typeof({value}) = 'array' AND NOT jsonb_path_exists({value}, "
            "'strict $[*] ? (@.type() != \"string\")'))"
        )

    def words(self, question, value):
        """The text as_text gives `value` (jsonb: the stored answer), NULL when unanswered."""
        kind = question.kind
        if kind in exports.AS_TYPED:
            return f"(CASE WHEN jsonb_typeof({value}) = 'string' THEN {value} #>> '{{}}' END)"
        if kind == Kind.INTEGER:
            return (
                f"(CASE WHEN jsonb_typeof({value}) = 'number' "
                f"AND {value}::text ~ '^-?[0-9]+$' THEN {value}::text END)"
            )
        if kind in (Kind.MONEY, Kind.PERCENTAGE):  # a number: as Decimal(value) writes itself
            return (
                f"(CASE WHEN jsonb_typeof({value}) = 'string' AND {value} #>> '{{}}' ~ "
                f"{self.sql.text(exports.PLAIN_DECIMAL)} AND length({value} #>> '{{}}') <= "
                f"{int(exports.PLAIN_DIGITS)} THEN ({value} #>> '{{}}')::numeric::text END)"
            )
        if kind == Kind.YES_NO:
            yes, no = self.sql.text(_("Yes")), self.sql.text(_("No"))
            return (
                f"(CASE WHEN jsonb_typeof({value}) = 'boolean' THEN "
                f"CASE WHEN {value}::boolean THEN {yes} ELSE {no} END END)"
            )
        if kind in (Kind.COUNTRY, Kind.SINGLE_CHOICE):
            words = self._country_words() if kind == Kind.COUNTRY else self._labels(question)
            one = f"({value} #>> '{{}}')"
            return (
                f"(CASE WHEN jsonb_typeof({value}) = 'string' THEN "
                f"COALESCE({words} ->> {one}, {one}) END)"
            )
        if kind in (Kind.COUNTRIES, Kind.MULTIPLE_CHOICE):
            if kind == Kind.COUNTRIES:
                words, joint = self._country_words(), ", "
            else:
                words, joint = self._labels(question), "; "
            return (
                f"(CASE WHEN {self._strings(value)} THEN (SELECT string_agg("
                f"COALESCE({words} ->> item.v, item.v), {self.sql.text(joint)} ORDER BY item.n) "
                f"FROM jsonb_array_elements_text({value}) WITH ORDINALITY AS item(v, n)) END)"
            )
        if kind == Kind.ROWS:
            return self._rows(question, value)
        raise ValueError(f"not said in SQL: {kind}")  # available() keeps these out

    def _rows(self, question, value):
        """One line per row, its columns' words joined by " · " (a yes shows the column's
        label), as row_as_text writes them."""
        shown = []
        for column in question.columns:
            cell = f"(row.o -> {self.sql.text(column.key)})"
            if column.kind == Kind.YES_NO:
                label = self.sql.text(str(column.label))
                shown.append(f"(CASE WHEN {cell} = 'true'::jsonb THEN {label} END)")
            else:
                shown.append(f"NULLIF({self.words(column, cell)}, '')")
        line = f"concat_ws({self.sql.text(' · ')}, {', '.join(shown) or 'NULL'})"
        rows_fit = (
            f"(jsonb_typeof({value}) = 'array' AND jsonb_array_length({value}) > 0 AND NOT "
            f"jsonb_path_exists({value}, 'strict $[*] ? (@.type() != \"object\")'))"
        )
        return (
            f"(CASE WHEN {rows_fit} THEN (SELECT string_agg({line}, E'\\n' ORDER BY row.n) "
            f"FROM jsonb_array_elements({value}) WITH ORDINALITY AS row(o, n)) END)"
        )


def _choices(sql, labels, column):
    return f"COALESCE({sql.words(labels)} ->> {column}, {column})"


def _fixed(column, places):
    """A figure as exports.fixed writes it: read as a float, then to 15 significant digits
    (float8 to numeric), rounded half away from zero, its places kept; none when infinite."""
    return (
        f"CASE WHEN ({column})::float8 IN ('Infinity', '-Infinity', 'NaN') THEN NULL "
        f"ELSE round(({column})::float8::numeric, {places})::text END"
    )


def _literals():
    connection.ensure_connection()
    return Sql(connection.connection)


def _bound(query, params):
    """`query` with the ORM's parameters (those of the inner query) bound."""
    with connection.cursor() as cursor:
        return cursor.mogrify(query, params).decode()


def _quoted(table):
    return connection.ops.quote_name(table)


def eoi_chunks(call, eois, sort=""):
    """The EOI export (exports.eoi_rows) as CSV bytes, written by PostgreSQL."""
    header, questions, criteria = exports.eoi_columns(call)
    sql = _literals()
    cells = Cells(sql, eoi_answers.challenge_titles(call))
    picked = {
        "x_id": F("pk"),
        "x_reference": F("reference"),
        "x_status": F("status"),
        "x_stage": Coalesce(F("stage__kind"), Value(exports.EOI_STAGE)),
        "x_answers": F("answers"),
        "x_reviews": F("score__review_count"),
        "x_mean": F("score__mean"),
        "x_median": F("score__median"),
        "x_spread": F("score__spread"),
        "x_normalised": F("score__normalised"),
        "x_rank": F("score__rank"),
        "x_disagreement": F("score__disagreement"),
        "x_local_share": F("local_share"),
        "x_lead_is_local": F("lead_is_local"),
        "x_partners_named": F("partners_named"),
        "x_partners_confirmed": F("partners_confirmed"),
    }
    inner_sql, inner_params = (
        sorted_eois(ExpressionOfInterest.objects.filter(pk__in=eois.values("pk")), sort)
        .annotate(**picked)
        .values(*picked)
        .query.sql_with_params()
    )
    statuses = exports.choice_labels(ExpressionOfInterest, "status")["status"]
    selected = [
        ("t.x_reference", True),
        (_choices(sql, statuses, "t.x_status"), True),
        (_choices(sql, exports.stage_labels(), "t.x_stage"), True),
    ]
    selected += [
        (cells.words(question, f"a.{_quoted(question.key)}"), question.kind not in exports.NUMBERS)
        for question in questions
    ]
    selected += [
        ("COALESCE(t.x_reviews, 0)::text", False),
        (_fixed("t.x_mean", 2), False),
        (_fixed("t.x_median", 2), False),
        (_fixed("t.x_spread", 2), False),
        (_fixed("t.x_normalised", 3), False),
        ("t.x_rank::text", False),
        (BOOLEAN.format("t.x_disagreement"), False),
        # exports.PARTNERSHIP: a numeric(5,2) reads as Decimal writes it ("80.00").
        ("t.x_local_share::text", False),
        (BOOLEAN.format("t.x_lead_is_local"), False),
        ("t.x_partners_named::text", False),
        ("t.x_partners_confirmed::text", False),
    ]
    selected += [(_fixed(f"m.mean_{criterion.pk}", 2), False) for criterion in criteria]
    # Each answer taken out of the row's JSON once: every -> on the stored answers decompresses
    # them again (about 10 kB a row), and the cells hold a hundred of those.
    answers = ", ".join(f"{_quoted(q.key)} jsonb" for q in questions) or "nothing jsonb"
    laterals = (
        "CROSS JOIN LATERAL jsonb_to_record(CASE WHEN jsonb_typeof(t.x_answers) = 'object' "
        f"THEN t.x_answers ELSE '{{}}' END) AS a({answers})"
    )
    if criteria:
        laterals += f" CROSS JOIN LATERAL ({_criterion_means(criteria)}) AS m"
    query = copy_query(inner_sql, selected, laterals)
    return tables.copied_csv_chunks(header, _bound(query, inner_params))


def _criterion_means(criteria):
    """Each criterion's mean over the EOI's submitted reviews, all from one pass over its
    scores (a subquery per criterion read the EOI's reviews again for each)."""
    review, score = Review._meta, Score._meta
    means = ", ".join(
        f"avg(s.{_quoted(score.get_field('value').column)}) FILTER (WHERE "
        f"s.{_quoted(score.get_field('criterion').column)} = {int(criterion.pk)}) "
        f"AS mean_{int(criterion.pk)}"
        for criterion in criteria
    )
    return (
        f"SELECT {means} FROM {_quoted(review.db_table)} AS r "
        f"JOIN {_quoted(score.db_table)} AS s "
        f"ON s.{_quoted(score.get_field('review').column)} = r.{_quoted(review.pk.column)} "
        f"WHERE r.{_quoted(review.get_field('eoi').column)} = t.x_id "
        f"AND r.{_quoted(review.get_field('status').column)} = '{Review.Status.SUBMITTED}'"
    )


def review_chunks(call):
    """The reviews export (exports.review_rows) as CSV bytes, written by PostgreSQL."""
    header, marks = exports.review_columns(call)
    sql = _literals()
    labels = exports.choice_labels(Review, "status", "recommendation")
    picked = {
        "x_reference": F("eoi__reference"),
        "x_email": F("reviewer__email"),
        "x_status": F("status"),
        "x_total": F("total"),
        "x_recommendation": F("recommendation"),
        "x_comment": F("internal_comment"),
        "x_feedback": F("applicant_feedback"),
        **marks,
    }
    inner_sql, inner_params = (
        Review.objects.filter(eoi__call=call, stage=None)
        .annotate(**picked)
        .order_by("eoi__reference", "reviewer__email")
        .values(*picked)
        .query.sql_with_params()
    )
    selected = [
        ("t.x_reference", True),
        ("t.x_email", True),
        (_choices(sql, labels["status"], "t.x_status"), True),
        ("t.x_total::text", False),
        (_choices(sql, labels["recommendation"], "t.x_recommendation"), True),
        ("t.x_comment", True),
        ("t.x_feedback", True),
    ] + [(f"t.{_quoted(name)}::text", False) for name in marks]
    query = copy_query(inner_sql, selected)
    return tables.copied_csv_chunks(header, _bound(query, inner_params))
