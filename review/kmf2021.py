"""The 2021 call's rubric, added when `submissions.kmf2021` loads the call (its signal, connected
in ReviewConfig.ready()): the criteria a review scores belong to the review app."""

from submissions.models import Stage

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


# The full proposal's rubric (the second round of review). The call text gives none: these
# weigh what the proposal adds to the EOI, the plan, the budget, the partnership's working,
# the risks and the learning, with the call's theme still first. (English, French) each.
PROPOSAL_RUBRIC = [
    (
        ("Shift of power in the partnership", "Transfert de pouvoir dans le partenariat"),
        25,
        (
            "Who decides, who spends and who is credited: the partners' roles and the budget "
            "lines show power and money moving toward local actors.",
            "Qui décide, qui dépense et qui est reconnu\u00a0: les rôles des partenaires et les "
            "lignes budgétaires montrent le pouvoir et l'argent allant vers les acteurs locaux.",
        ),
    ),
    (
        ("Quality of the plan", "Qualité du plan"),
        25,
        (
            "Activities, timeline and deliverables that answer the EOI's aims in about nine "
            "months.",
            "Des activités, un calendrier et des livrables qui répondent aux objectifs de la "
            "manifestation d'intérêt en neuf mois environ.",
        ),
    ),
    (
        ("Budget and value for money", "Budget et rapport coût-efficacité"),
        20,
        (
            "Lines that fit the work, personnel at most 30\u00a0% and no overheads.",
            "Des lignes adaptées au travail, 30\u00a0% de frais de personnel au plus et sans frais "
            "généraux.",
        ),
    ),
    (
        ("Risks and do no harm", "Risques et ne pas nuire"),
        15,
        (
            "The risks to people and partners named, with what the team will do about them.",
            "Les risques pour les personnes et les partenaires nommés, avec ce que l'équipe "
            "fera pour y répondre.",
        ),
    ),
    (
        ("Monitoring, learning and uptake", "Suivi, apprentissage et appropriation"),
        15,
        (
            "How the team will know it worked, and who will use what it learns.",
            "Comment l'équipe saura que cela a fonctionné, et qui utilisera ce qu'elle apprend.",
        ),
    ),
]


def add_proposal_rubric(call):
    """The 2021 full proposal's rubric, on its reviewed stage while it has none (a stage the
    Secretariat gave criteria keeps them)."""
    for stage in call.stages.filter(kind=Stage.Kind.FULL_PROPOSAL, reviewed=True):
        if call.criteria.filter(stage=stage).exists():
            continue
        Criterion.objects.bulk_create(
            Criterion(
                call=call,
                stage=stage,
                position=position,
                title=title,
                title_fr=title_fr,
                weight=weight,
                description=description,
                description_fr=description_fr,
                descriptors=SCALE,
            )
            for position, ((title, title_fr), weight, (description, description_fr)) in enumerate(
                PROPOSAL_RUBRIC, start=1
            )
        )


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
    add_proposal_rubric(call)
