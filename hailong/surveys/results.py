"""Survey results: distributions per question, SIPAS element indexes, free text, exports.

Everything is counted in SQL over ``SurveyAnswer`` rows; the published definitions only
supply the labels (a question keeps its key across versions, so its answers add up).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from hailong import exports
from hailong.figures import Period, Rate
from hailong.surveys.definitions import ELEMENTS, SATISFIED_FROM, SCALE, tr, versions_of
from models import Campaign, Survey, SurveyAnswer, SurveyResponse, SurveyVersion, Unit

TEXT_LIMIT = 200  # free-text answers listed on the page; the export has them all


@dataclass(frozen=True)
class Filters:
    period: Period | None = None
    campaign_id: int | None = None
    unit_ids: list[int] | None = None

    def apply(self, query, *, counted_only: bool = True):
        """``query`` cut to the filters; suspect responses (bursts) are kept out of every figure."""
        if counted_only:
            query = query.where(SurveyResponse.suspect.is_(False))
        if self.period is not None:
            query = query.where(SurveyResponse.local_date >= self.period.start,
                                SurveyResponse.local_date <= self.period.end)
        if self.campaign_id is not None:
            query = query.where(SurveyResponse.campaign_id == self.campaign_id)
        if self.unit_ids is not None:
            query = query.where(SurveyResponse.unit_id.in_(self.unit_ids))
        return query


@dataclass
class QuestionResult:
    question: dict
    answered: int = 0
    counts: dict = field(default_factory=dict)  # value -> count (scale 1..5, option value, yes 1 / no 0)
    texts: list = field(default_factory=list)  # (local_date, text)

    @property
    def satisfied(self) -> Rate:
        return Rate(sum(c for v, c in self.counts.items() if isinstance(v, int) and v >= SATISFIED_FROM), self.answered)

    @property
    def mean(self) -> float | None:
        total = sum(v * c for v, c in self.counts.items())
        return total / self.answered if self.answered else None

    def share(self, value) -> float | None:
        return self.counts.get(value, 0) / self.answered if self.answered else None


def response_count(session: Session, survey: Survey, filters: Filters) -> int:
    query = filters.apply(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id))
    return session.exec(query).one()


def suspect_summary(session: Session, survey: Survey, filters: Filters) -> tuple[int, list[tuple[str, int]]]:
    """How many responses were set aside as suspect, and how many for each reason (one may have two)."""
    query = filters.apply(select(SurveyResponse.suspect_reasons).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.suspect.is_(True)), counted_only=False)
    rows = session.exec(query).all()
    reasons: dict[str, int] = {}
    for row in rows:
        for reason in row or []:
            reasons[reason] = reasons.get(reason, 0) + 1
    return len(rows), sorted(reasons.items(), key=lambda item: -item[1])


def _answers(survey: Survey, filters: Filters, *columns):
    query = select(*columns).select_from(SurveyAnswer).join(
        SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id).where(SurveyResponse.survey_id == survey.id)
    return filters.apply(query)


def all_questions(session: Session, survey: Survey) -> list[dict]:
    """The questions of every published version, newest wording first; a removed question keeps its answers."""
    versions = versions_of(session, survey)
    published = [v for v in versions if v.published_at is not None] or versions[-1:]
    found: dict[str, dict] = {}
    for version in reversed(published):
        for q in version.definition["questions"]:
            found.setdefault(q["key"], q)
    return list(found.values())


def question_results(session: Session, survey: Survey, filters: Filters) -> list[QuestionResult]:
    """One result per question, with its counts (and the latest texts for text questions)."""
    questions = all_questions(session, survey)
    results = {q["key"]: QuestionResult(q) for q in questions}
    grouped = _answers(survey, filters, SurveyAnswer.question_key, SurveyAnswer.value_int, SurveyAnswer.value_text,
                       func.count()).where(SurveyAnswer.question_key.in_(list(results))).group_by(
        SurveyAnswer.question_key, SurveyAnswer.value_int, SurveyAnswer.value_text)
    texts = {q["key"] for q in questions if q["type"] in ("short_text", "long_text")}
    for key, value_int, value_text, count in session.exec(grouped.where(SurveyAnswer.question_key.not_in(texts))):
        result = results[key]
        result.counts[value_int if value_int is not None else value_text] = count
    respondents = _answers(survey, filters, SurveyAnswer.question_key, func.count(sa.distinct(SurveyAnswer.response_id))
                           ).group_by(SurveyAnswer.question_key)
    for key, count in session.exec(respondents):
        if key in results:
            results[key].answered = count
    if texts:
        rows = session.exec(_answers(survey, filters, SurveyAnswer.question_key, SurveyResponse.local_date,
                                     SurveyAnswer.value_text).where(SurveyAnswer.question_key.in_(texts))
                            .order_by(SurveyResponse.submitted_at.desc(),
                                      SurveyAnswer.id.desc()).limit(TEXT_LIMIT * len(texts)))
        for key, day, text in rows:
            if len(results[key].texts) < TEXT_LIMIT:
                results[key].texts.append((day, text))
    return list(results.values())


def element_indexes(session: Session, survey_ids: list[int], filters: Filters) -> dict[str, Rate]:
    """SIPAS: per element, the share of its 5-point answers that are 4 or 5."""
    query = select(SurveyAnswer.element, func.count(),
                   func.coalesce(func.sum(sa.case((SurveyAnswer.value_int >= SATISFIED_FROM, 1), else_=0)), 0)
                   ).select_from(SurveyAnswer).join(SurveyResponse,
                                                    SurveyResponse.id == SurveyAnswer.response_id).where(
        SurveyResponse.survey_id.in_(survey_ids), SurveyAnswer.element.is_not(None),
        SurveyAnswer.value_int.is_not(None)).group_by(SurveyAnswer.element)
    counted = {element: (int(satisfied), int(total))
               for element, total, satisfied in session.exec(filters.apply(query))}
    return {element: Rate(*counted.get(element, (0, 0))) for element in ELEMENTS}


def overall_index(indexes: dict[str, Rate]) -> float | None:
    """The survey's SIPAS index: the mean of the element indexes that have answers."""
    values = [rate.value for rate in indexes.values() if rate.value is not None]
    return sum(values) / len(values) if values else None


# --- export --------------------------------------------------------------------------------


def export_rows(session: Session, survey: Survey, filters: Filters, locale: str = "vi") -> tuple[list[str], list[list]]:
    """A header and one row per response: date, unit, campaign, version, then each question's answer."""
    questions = all_questions(session, survey)
    responses = session.exec(filters.apply(
        select(SurveyResponse, Unit.code, SurveyVersion.number, Campaign.name)
        .join(Unit, Unit.id == SurveyResponse.unit_id).join(SurveyVersion,
                                                            SurveyVersion.id == SurveyResponse.version_id)
        .outerjoin(Campaign, Campaign.id == SurveyResponse.campaign_id)
        .where(SurveyResponse.survey_id == survey.id).order_by(SurveyResponse.submitted_at, SurveyResponse.id),
        counted_only=False)).all()
    answers = _answers_by_response(session, [r.id for r, *_ in responses])
    # Suspect responses are exported too, marked with their reasons: set aside, never hidden.
    header = ["response", "date", "unit", "campaign", "version", "suspect"] + [q["key"] for q in questions]
    rows = []
    for number, (response, unit_code, version_number, campaign) in enumerate(responses, 1):
        mine = answers.get(response.id, {})
        rows.append([number, response.local_date, unit_code, campaign or "", version_number,
                     ",".join(response.suspect_reasons or [])]
                    + [_cell(q, mine.get(q["key"]), locale) for q in questions])
    return header, rows


def _answers_by_response(session: Session, ids: list[int]) -> dict[int, dict[str, list]]:
    found: dict[int, dict[str, list]] = {}
    for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        chunk = ids[start:start + 900]
        rows = session.exec(select(SurveyAnswer).where(SurveyAnswer.response_id.in_(chunk)).order_by(SurveyAnswer.id))
        for answer in rows:
            value = answer.value_int if answer.value_int is not None else answer.value_text
            found.setdefault(answer.response_id, {}).setdefault(answer.question_key, []).append(value)
    return found


def _cell(q: dict, values: list | None, locale: str):
    if not values:
        return None
    if q["type"] in ("single", "multiple"):
        labels = {o["value"]: tr(o["label"], locale) for o in q["options"]}
        return "; ".join(labels.get(v, v) for v in values)
    if q["type"] == "yes_no":
        return "yes" if values[0] else "no"
    return values[0]


def to_csv(header: list[str], rows: list[list]) -> str:
    """The responses as CSV, through the one writer that makes citizens' text inert."""
    return exports.csv_text(header, ([_iso(v) for v in row] for row in rows))


def to_xlsx(header: list[str], rows: list[list], summary: list[list]) -> bytes:
    """The responses and the answer counts, one sheet each, through the one writer."""
    return exports.xlsx_bytes([("responses", header, rows), ("summary", summary[0] if summary else [], summary[1:])])


def summary_rows(results: list[QuestionResult], locale: str = "vi") -> list[list]:
    """question, answer, count: the distributions as a table."""
    rows = [["question", "text", "answer", "count"]]
    for result in results:
        q = result.question
        if q["type"] in ("short_text", "long_text"):
            rows.append([q["key"], tr(q["text"], locale), "answered", result.answered])
            continue
        for value, label in _values(q, locale):
            rows.append([q["key"], tr(q["text"], locale), label, result.counts.get(value, 0)])
    return rows


def _values(q: dict, locale: str) -> list[tuple]:
    if q["type"] == "scale":
        return [(v, v) for v in SCALE]
    if q["type"] == "yes_no":
        return [(1, "yes"), (0, "no")]
    return [(o["value"], tr(o["label"], locale)) for o in q["options"]]


def _iso(value):
    # A CSV date is read back by machines: ISO, never a locale's guess.
    return value.isoformat() if isinstance(value, date) else value
