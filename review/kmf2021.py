"""The 2021 call's rubric, added when `submissions.kmf2021` loads the call (its signal, connected
in ReviewConfig.ready()): the criteria a review scores belong to the review app."""

from .models import Criterion, eoi_rubric

SCALE = ["Weak", "Fair", "Good", "Very good", "Excellent"]

# The 2021 rubric: (criterion, weight, what reviewers look for). Weights sum to 100.
RUBRIC = [
    (
        "Relevance to the theme and its challenges",
        25,
        "Addresses asymmetric power in SRoL policies, programmes or partnerships, and one or "
        "more of the three challenges.",
    ),
    (
        "Local ownership and shift of power",
        25,
        "Led or co-led from the places it concerns; decisions, budget and credit move toward "
        "local actors.",
    ),
    (
        "Feasibility and value for money",
        20,
        "Realistic activities and timeline for about nine months; a budget that fits the work, "
        "with personnel at most 30% and no overheads.",
    ),
    ("Innovation", 15, "New ideas, methods or partnerships, beyond business as usual."),
    (
        "Knowledge uptake",
        15,
        "Results that the Platform community, policymakers and practitioners will use.",
    ),
]

FRENCH_RUBRIC = [
    (
        "Pertinence pour le thème et ses défis",
        "Traite du pouvoir asymétrique dans les politiques, programmes ou partenariats SRoL, "
        "et d'un ou plusieurs des trois défis.",
    ),
    (
        "Appropriation locale et transfert de pouvoir",
        "Conduit ou codirigé depuis les lieux qu'il concerne ; les décisions, le budget et la "
        "reconnaissance vont vers les acteurs locaux.",
    ),
    (
        "Faisabilité et rapport coût-efficacité",
        "Des activités et un calendrier réalistes pour environ neuf mois ; un budget adapté "
        "au travail, avec 30 % de frais de personnel au plus et sans frais généraux.",
    ),
    (
        "Innovation",
        "Des idées, des méthodes ou des partenariats nouveaux, au-delà des pratiques habituelles.",
    ),
    (
        "Appropriation des connaissances",
        "Des résultats que la communauté de la Plateforme, les décideurs et les praticiens "
        "utiliseront.",
    ),
]


def add_2021_rubric(sender, call, created, **kwargs):
    """The rubric of a call just loaded; on every load, the French of any criterion the
    Secretariat left without it."""
    if created:
        Criterion.objects.bulk_create(
            Criterion(
                call=call,
                position=position,
                title=title,
                weight=weight,
                description=description,
                descriptors=SCALE,
            )
            for position, (title, weight, description) in enumerate(RUBRIC, start=1)
        )
    for criterion, (title, description) in zip(
        eoi_rubric(call).order_by("position"), FRENCH_RUBRIC, strict=False
    ):
        french = {"title_fr": title, "description_fr": description}
        empty = {name: value for name, value in french.items() if not getattr(criterion, name)}
        if empty:
            Criterion.objects.filter(pk=criterion.pk).update(**empty)
