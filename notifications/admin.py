from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_base import DateHierarchyAdmin

from . import outbox
from .events import LINK_BEARING, PLACEHOLDERS
from .models import DeliveryEvent, EmailTemplate, OutboundEmail
from .wording import render


class DeliveryEventInline(admin.TabularInline):
    """What the email provider reported about the mail (its webhook)."""

    model = DeliveryEvent
    fields = ["happened_at", "kind", "recipient", "description", "provider"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(DateHierarchyAdmin):
    """The Secretariat sees every mail's state, attempts and last error, and can resend."""

    list_display = [
        "created_at",
        "event",
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    ]
    list_filter = ["status", "event", "call"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    inlines = [DeliveryEventInline]
    # The texts through `text` and `html`: an account mail's carry a sign-in or reset link.
    exclude = ["body_text", "body_html"]
    readonly_fields = [
        f.name for f in OutboundEmail._meta.fields if f.name not in ("body_text", "body_html")
    ] + ["text", "html"]

    @admin.display(description=_("text"))
    def text(self, email):
        return self._body(email, email.body_text)

    @admin.display(description=_("HTML"))
    def html(self, email):
        return self._body(email, email.body_html)

    def _body(self, email, body):
        if email.event in LINK_BEARING:
            return _(
                "Not shown: it holds a link that works by itself (to sign in, set a password, "
                "confirm for a partner or accept an invitation)."
            )
        return body

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected mails (again)"))
    def resend(self, request, queryset):
        count = outbox.resend(queryset)
        self.message_user(
            request,
            ngettext("%(count)d mail queued.", "%(count)d mails queued.", count) % {"count": count},
            messages.SUCCESS,
        )
        skipped = queryset.count() - count
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d mail not queued: being sent right now, or an account mail "
                    "already sent (its link is not kept; the person can ask for a new one).",
                    "%(count)d mails not queued: being sent right now, or account mails "
                    "already sent (their links are not kept; people can ask for new ones).",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


SAMPLE_VALUES = {
    "applicant_name": "Aminata",
    "recipient_name": "Sanne",
    "reviewer_name": "Jonas",
    "call_title": "Knowledge Management Fund 2021",
    "call_headline": "Asymmetric Power & Partnerships",
    "deadline_local": "27 January 2027, 23:59 CET",
    "submitted_local": "20 January 2027, 14:02 CET",
    "reference": "KMF21-0042",
    "eoi_title": "Community justice forums in Mopti",
    "eoi_url": "https://grants.example.org/eois/…/",
    "site_url": "https://grants.example.org",
    "answers": "…",
    "time_left": "2 days",
    "submitted_count": 214,
    "draft_count": 37,
    "withdrawn_count": 5,
    "dashboard_url": "https://grants.example.org/admin/",
    "eoi_count": 12,
    "eois_to_review": "12 expressions of interest",
    "reviews_to_do": "12 reviews",
    "submitted_eois": "214 expressions of interest",
    "review_due": "15 February 2027",
    "reviews_url": "https://grants.example.org/review/",
    "decision": "Invited to full proposal",
    "feedback": "The Review Board valued…",
    "author_name": "Awa Traoré",
    "discussion_url": "https://grants.example.org/review/eois/…/#discussion",
    "message": "Could you send the letter of your partner in Mopti?",
    "attachment": "",
    "call_url": "https://grants.example.org/calls/kmf-2021/",
    "lead_name": "Aminata Diallo",
    "invitation_url": "https://grants.example.org/invitations/…/",
    "valid_until": "3 February 2027, 14:02 CET",
    "partner_name": "Association des Femmes de Mopti",
    "lead_organisation": "Réseau Justice Locale",
    "confirm_url": "https://grants.example.org/partners/confirm/…/",
    "link_expires": "31 December 2026, 23:59 (Europe/Amsterdam)",
    "proposal_url": "https://grants.example.org/eois/…/proposal/",
    "amount": "€15,000.00",
    "letter_url": "https://grants.example.org/awards/eois/…/letter.pdf",
    "starts_local": "9 March 2027, 10:00 CET",
    "duration_minutes": 45,
    "location": "Video call",
    "video_url": "https://meet.example.org/kmf-interview",
    "interview_url": "https://grants.example.org/interviews/eois/…/",
    "reason": "Our interviewer is ill; we are sorry for the change.",
}


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["call", "event", "language", "subject"]
    list_filter = ["call", "event", "language"]
    readonly_fields = ["placeholders", "preview"]
    fields = ["call", "event", "language", "subject", "body", "placeholders", "preview"]

    @admin.display(description=_("placeholders you can use"))
    def placeholders(self, template):
        if not template.event:
            return "—"
        return ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS[template.event]))

    @admin.display(description=_("preview"))
    def preview(self, template):
        if not template.pk:
            return _("Save to see a preview.")
        try:
            subject, text, _html = render(
                template.event, template.language, SAMPLE_VALUES, call=template.call
            )
        except ValidationError as error:
            return "; ".join(error.messages)
        return format_html(
            "<strong>{}</strong><pre style='white-space:pre-wrap'>{}</pre>", subject, text
        )
