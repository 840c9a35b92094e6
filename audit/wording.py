"""Audit entries as sentences in the reader's language ("Amina changed the budget from €18,000
to €19,500"), never as codes or raw details.

The app that records an action says it: a function registered with `@says("eoi.submitted")`
takes who did it (a name, already in words) and the entry, and returns the sentence. An action
nobody says still reads as a sentence, a plain one.
"""

from django.utils.translation import gettext as _

_sayers = {}


def says(*actions):
    def register(function):
        for action in actions:
            _sayers[action] = function
        return function

    return register


def who(entry):
    """Who did it, as a reader knows them: their name, else their address; the platform for
    what no one did by hand."""
    if entry.actor_id is None:
        return _("The platform")
    return entry.actor.name or entry.actor.email


def sentence(entry):
    sayer = _sayers.get(entry.action)
    if sayer is None:
        return _("%(who)s made a change.") % {"who": who(entry)}
    return sayer(who(entry), entry)


def said(entries, target=None):
    """The entries, each with its `sentence`, for a template; `target`, when they are all about
    one object, spares each sentence a query for it."""
    entries = list(entries)
    for entry in entries:
        if target is not None:
            entry.target = target
        entry.sentence = sentence(entry)
    return entries


def listed(words):
    """ "a, b and c" in the reader's language."""
    words = [str(word) for word in words]
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}
