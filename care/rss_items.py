"""The reintegration sustainability survey (RSS): its questions and answer options, as data.

IOM's survey (Reintegration Handbook, Annex 4; the MEASURE project, Samuel Hall 2017) has about
fifteen field-tested indicators across three dimensions. Its exact wording, answer scales and
weights were not available to this project (docs/DESIGN.md, "Sustainability survey"): these
questions follow the indicator *areas* published descriptions name, and are to be checked
against Annex 4. Each answer option carries its value between 0 (worst) and 1 (best); "not
applicable" (`None`) leaves a question out of its dimension's score without making it partial.

The questions are staff-facing (English and French): the person answers in conversation, with
an interpreter where needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from care.i18n import N_

DIMENSIONS = {"economic": N_("Economic"), "social": N_("Social"), "psychosocial": N_("Psychosocial")}
NOT_APPLICABLE = "na"


@dataclass(frozen=True)
class Option:
    code: str
    label: str  # N_ marked
    value: float | None  # 0 (worst) to 1 (best); None: not applicable


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str
    question: str  # N_ marked
    options: tuple[Option, ...]  # worst first

    def value(self, answer: str) -> float | None:
        return next(o.value for o in self.options if o.code == answer)

    def option(self, answer: str) -> Option | None:
        return next((o for o in self.options if o.code == answer), None)


def _opts(*pairs) -> tuple[Option, ...]:
    return tuple(Option(code, text, value) for code, text, value in pairs)


NA = (NOT_APPLICABLE, N_("Not applicable"), None)
OFTEN_NEVER = _opts(("often", N_("Often"), 0.0), ("sometimes", N_("Sometimes"), 0.5), ("never", N_("Never"), 1.0))
NO_PARTLY_YES = _opts(("no", N_("No"), 0.0), ("partly", N_("Partly, or with difficulty"), 0.5), ("yes", N_("Yes"), 1.0))
FIVE_SATISFIED = _opts(("very_dissatisfied", N_("Very dissatisfied"), 0.0), ("dissatisfied", N_("Dissatisfied"), 0.25),
                       ("neutral", N_("Neither satisfied nor dissatisfied"), 0.5),
                       ("satisfied", N_("Satisfied"), 0.75), ("very_satisfied", N_("Very satisfied"), 1.0))

ITEMS: tuple[Item, ...] = (
    # economic
    Item("income_source", "economic", N_("Does the person have a source of income?"),
         _opts(("none", N_("No income"), 0.0), ("irregular", N_("Occasional or irregular income"), 1 / 3),
               ("regular_short", N_("Regular income, not enough for basic needs"), 2 / 3),
               ("regular_enough", N_("Regular income that covers basic needs"), 1.0))),
    Item("food_security", "economic",
         N_("In the last month, did the household eat fewer or smaller meals for lack of money?"), OFTEN_NEVER),
    Item("borrowing", "economic", N_("Could the person borrow money if they needed to?"), NO_PARTLY_YES),
    Item("debt", "economic", N_("How do the person's debts compare with their monthly spending?"),
         _opts(("more", N_("Debts larger than a month's spending"), 0.0),
               ("less", N_("Debts smaller than a month's spending"), 0.5), ("none", N_("No debts"), 1.0))),
    Item("economic_satisfaction", "economic", N_("How satisfied is the person with their economic situation?"),
         FIVE_SATISFIED),
    Item("productive_assets", "economic",
         N_("Does the person have productive assets (tools, land, livestock, a shop, a vehicle for work)?"),
         NO_PARTLY_YES),
    # social
    Item("housing", "social", N_("Is the person's housing stable and of an acceptable standard?"),
         _opts(("none", N_("No stable place to live"), 0.0), ("temporary", N_("Temporary or overcrowded"), 0.5),
               ("stable", N_("Stable and acceptable"), 1.0))),
    Item("schooling", "social", N_("Do the school-age children in the household go to school?"),
         _opts(("none", N_("None of them"), 0.0), ("some", N_("Some of them"), 0.5), ("all", N_("All of them"), 1.0),
               NA)),
    Item("justice", "social", N_("Could the person turn to the police or the courts if they needed to?"),
         NO_PARTLY_YES),
    Item("documents", "social", N_("Does the person have the identity documents they need?"),
         _opts(("none", N_("None"), 0.0), ("some", N_("Some of them"), 0.5), ("all", N_("All of them"), 1.0))),
    Item("water", "social", N_("Does the person have safe drinking water?"),
         _opts(("rarely", N_("Rarely or never"), 0.0), ("sometimes", N_("Sometimes"), 0.5),
               ("always", N_("Always"), 1.0))),
    Item("health_care", "social", N_("Can the person get health care of acceptable quality when needed?"),
         _opts(("no", N_("No access"), 0.0), ("poor", N_("Access, but poor quality"), 0.5),
               ("good", N_("Access, of acceptable quality"), 1.0))),
    # psychosocial
    Item("participation", "psychosocial",
         N_("Does the person take part in social or community activities, and feel they belong?"),
         _opts(("never", N_("Never"), 0.0), ("sometimes", N_("Sometimes"), 0.5), ("regularly", N_("Regularly"), 1.0))),
    Item("support_network", "psychosocial", N_("Can the person count on someone for help and support?"),
         _opts(("nobody", N_("Nobody"), 0.0), ("one", N_("One person"), 0.5), ("several", N_("Several people"), 1.0))),
    Item("discrimination", "psychosocial",
         N_("Since return, has the person been treated badly or discriminated against?"),
         OFTEN_NEVER),
    Item("safety", "psychosocial", N_("Does the person feel physically safe where they live?"),
         _opts(("very_unsafe", N_("Very unsafe"), 0.0), ("unsafe", N_("Unsafe"), 0.25),
               ("mixed", N_("Sometimes safe, sometimes not"), 0.5), ("safe", N_("Safe"), 0.75),
               ("very_safe", N_("Very safe"), 1.0))),
    Item("family_tension", "psychosocial", N_("Is there tension or conflict in the family?"), OFTEN_NEVER),
    Item("distress", "psychosocial",
         N_("Does the person show signs of distress (sleeplessness, fear, anger, sadness)?"), OFTEN_NEVER),
    Item("intention_to_migrate", "psychosocial", N_("Does the person feel able to stay, or intend to migrate again?"),
         _opts(("leaving", N_("Plans to leave soon"), 0.0), ("thinking", N_("Thinking about leaving"), 0.5),
               ("staying", N_("Feels able to stay"), 1.0))),
)
ITEM = {i.code: i for i in ITEMS}
ITEMS_OF = {d: tuple(i.code for i in ITEMS if i.dimension == d) for d in DIMENSIONS}

# The answers the early warning watches on their own (besides the composite).
WATCHED = ("safety", "debt", "intention_to_migrate")

# The earlier 8-question check (care.followups, scored 1 to 5): which of its questions ask what an
# RSS question asks. The others stay labelled as the earlier check; no RSS score is made of them.
EARLIER_CHECK_MAP = {
    "income_source": "income_source",
    "housing_stable": "housing",
    "social_support": "support_network",
    "documents_ok": "documents",
    "safety_feeling": "safety",
}
