from html.parser import HTMLParser

import pytest

from accounts.roles import SECRETARIAT
from questionnaires import definition as definitions
from submissions.kmf2021 import questionnaire_2021
from tests.factories import ApplicantFactory, give_role


@pytest.fixture
def secretariat(db):
    """A Secretariat member (not a superuser): what the admin shows them, their group allows."""
    return give_role(ApplicantFactory(is_staff=True, name="Sanne Bakker"), SECRETARIAT)


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture
def questionnaire(db):
    """The 2021 questionnaire, as loaded for the 2021 call."""
    return definitions.save(questionnaire_2021())


class PostForms(HTMLParser):
    """The fields of each POST form of a page, as (name, kind, value, checked)."""

    def __init__(self):
        super().__init__()
        self.forms, self.fields, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "option" and self.select is not None:
            if self.select[2] is None or "selected" in attrs:
                self.select[2] = attrs.get("value", "")
        elif tag == "form":
            self.fields = [] if (attrs.get("method") or "").lower() == "post" else None
            if self.fields is not None:
                self.forms.append(self.fields)
        elif self.fields is None or not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button", "reset", "file"):
            kind = attrs.get("type") or "text"
            self.fields.append([attrs["name"], kind, attrs.get("value") or "", "checked" in attrs])
        elif tag == "textarea":
            self.textarea = [attrs["name"], "textarea", "", True]
            self.fields.append(self.textarea)
        elif tag == "select":
            self.select = [attrs["name"], "select", None, True]
            self.fields.append(self.select)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.fields = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None


class AdminPage:
    """An admin page's main form as a browser sends it, with rows added or changed by name."""

    def __init__(self, client, url):
        self.client, self.url = client, url
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        reader = PostForms()
        reader.feed(response.content.decode())
        self.data, self.blank = {}, {}
        for name, kind, value, checked in max(reader.forms, key=len):
            if kind in ("checkbox", "radio") and not checked:
                continue
            # A ticked box without a value of its own is sent as "on", as browsers do.
            value = (value or "on") if kind == "checkbox" else (value or "")
            if "__prefix__" in name:
                self.blank[name] = value
            else:
                self.data.setdefault(name, []).append(value)
        self.page = response.content.decode()

    def set(self, **values):
        for name, value in values.items():
            self.data[name] = value if isinstance(value, list) else [value]
        return self

    def add_row(self, prefix, **values):
        """A new row of the inline `prefix`, its fields as the empty row has them."""
        number = int(self.data[f"{prefix}-TOTAL_FORMS"][0])
        self.data[f"{prefix}-TOTAL_FORMS"] = [str(number + 1)]
        for name, value in self.blank.items():
            if name.startswith(f"{prefix}-__prefix__-"):
                field = name.removeprefix(f"{prefix}-__prefix__-")
                if value not in (None, ""):
                    self.data[f"{prefix}-{number}-{field}"] = [value]
        for field, value in values.items():
            self.data[f"{prefix}-{number}-{field}"] = value if isinstance(value, list) else [value]
        return number

    def row_of(self, prefix, field, value):
        """The number of the inline row whose `field` is `value`."""
        for name, given in self.data.items():
            if name.startswith(f"{prefix}-") and name.endswith(f"-{field}") and given == [value]:
                return int(name.split("-")[-2])
        raise LookupError(f"no {prefix} row with {field}={value}")

    def post(self, follow=False, **extra):
        return self.client.post(self.url, {**self.data, **extra}, follow=follow)
