from django.core.management.base import BaseCommand

from submissions import domain
from submissions.kmf2021 import SLUG, add_partner_roles
from submissions.models import Call, ExpressionOfInterest


class Command(BaseCommand):
    help = (
        "Gives the 2021 questionnaire's versions the partners' roles they lack (a call loaded "
        "before partners had roles), then rebuilds every EOI's partners and balance figures "
        "from its answers, in batches. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=200, help="EOIs per transaction.")

    def handle(self, *args, batch, **options):
        call = Call.objects.filter(slug=SLUG).first()
        given = add_partner_roles(call) if call else []
        self.stdout.write(f"2021 questionnaire versions given partner roles: {len(given)}")
        totals = {"partners": 0, "removed": 0, "figures": 0}
        read, last = 0, 0
        while (
            ids := list(  # one batch after the other, by key: never all of them in memory
                ExpressionOfInterest.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[: max(batch, 1)]
            )
        ):
            for name, count in domain.rebuild_partnerships(ids).items():
                totals[name] += count
            read, last = read + len(ids), ids[-1]
        self.stdout.write(
            f"EOIs read: {read}; partner rows made or changed: {totals['partners']}, "
            f"removed: {totals['removed']}; EOIs whose figures changed: {totals['figures']}"
        )
