"""Facts → points per indicator and dimension, total, rating and the fixes that would raise it."""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..vocab.model import LocalizedText
from .facts import Environment, Facts
from .indicators import NOT_APPLICABLE, OK, PENDING, REGISTRY, Outcome
from .profile import Indicator, Profile, QualityFile

LANGS = ("es", "en")
# failing resources named in a fix message
MAX_NAMED = 3
# the sensor series' own clock first, then the catalogue's
TIMELINESS = ("sensor.frequency", "datos.freshness")


class _Blank(dict[str, Any]):
    """format_map values: a placeholder the outcome lacks renders empty, not an error."""

    def __missing__(self, key: str) -> str:
        return ""


def _round(value: float) -> float:
    return round(value + 0.0, 1)


def _text(value: Any, lang: str) -> Any:
    if isinstance(value, Mapping) and "es" in value:
        return value.get(lang) or value["es"]
    if isinstance(value, LocalizedText):
        return value.get(lang)
    if isinstance(value, float):
        return f"{value:g}"
    return value


def render(template: LocalizedText, values: Mapping[str, Any]) -> dict[str, str]:
    """A file text in both languages with the outcome's values filled in."""
    rendered: dict[str, str] = {}
    for lang in LANGS:
        source = template.get(lang)
        try:
            rendered[lang] = source.format_map(_Blank({k: _text(v, lang) for k, v in values.items()}))
        except (ValueError, IndexError, AttributeError):
            # a malformed placeholder is the file's fault; show the text rather than fail
            rendered[lang] = source
    return rendered


def _names(failing: tuple[str, ...], lang: str) -> str:
    quoted = [f"'{name}'" for name in failing[:MAX_NAMED] if name]
    rest = len(failing) - len(quoted)
    if rest > 0:
        quoted.append(f"{rest} más" if lang == "es" else f"{rest} more")
    return ", ".join(quoted)


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator's points; its detail and fix texts are rendered from the file on read.

    The stored form (:meth:`as_dict`) keeps what the texts need (counts, values, the first
    failing resources), not the texts: a score row stays small and the texts follow the
    file's current wording.
    """

    indicator: Indicator
    points: float
    max: float
    passed: bool
    state: str
    outcome: Outcome
    fixable: bool
    texts: Mapping[str, LocalizedText] = field(repr=False)

    @property
    def id(self) -> str:
        """The indicator's id."""
        return self.indicator.id

    @property
    def dimension(self) -> str:
        """The dimension the indicator counts towards."""
        return self.indicator.dimension

    @property
    def met(self) -> int | None:
        """How many resources meet a distribution indicator (None for dataset indicators)."""
        return self.outcome.met

    @property
    def total(self) -> int | None:
        """How many resources a distribution indicator looked at (None for dataset indicators)."""
        return self.outcome.total

    @property
    def detail(self) -> dict[str, str]:
        """The detail text of what was found, in Spanish and English."""
        return _detail(self.indicator, self.outcome, self.texts)

    @property
    def fix(self) -> dict[str, str] | None:
        """The fix text in Spanish and English, or None when there is nothing to fix."""
        return _fix(self.indicator, self.outcome) if self.fixable else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (stored in territorio_quality_score.indicators)."""
        return {
            "id": self.id,
            "points": self.points,
            "max": self.max,
            "passed": self.passed,
            **stored_outcome(self.outcome),
        }


def stored_outcome(outcome: Outcome, *, names: bool = False) -> dict[str, Any]:
    """An outcome's JSON form, only what is set and not implied: most indicators store
    nothing but their points (the state "ok" and a share of 0 or 1 follow from them).
    ``names``: the first failing resources too (a fix names them).
    """
    data: dict[str, Any] = {}
    if outcome.state != OK:
        data["state"] = outcome.state
    if outcome.share is not None and outcome.share not in (0.0, 1.0):
        data["share"] = outcome.share
    if outcome.total is not None:
        data["met"], data["total"] = outcome.met, outcome.total
    if names and outcome.failing:
        data["failing"] = list(outcome.failing[:MAX_NAMED])
        if len(outcome.failing) > MAX_NAMED:
            data["more"] = len(outcome.failing) - MAX_NAMED
    values = {k: v for k, v in outcome.values.items() if _jsonable(v)}
    if values and outcome.state != NOT_APPLICABLE:
        data["values"] = values
    return data


def outcome_of(stored: Mapping[str, Any]) -> Outcome:
    """A stored indicator (or fix) back as an Outcome, for its texts and for reuse."""
    failing = tuple(stored.get("failing") or ())
    failing += ("",) * int(stored.get("more") or 0)
    share = stored.get("share")
    if share is None and stored.get("total") is None and "passed" in stored:
        share = 1.0 if stored["passed"] else 0.0
    return Outcome(
        state=str(stored.get("state") or OK),
        share=share,
        met=stored.get("met"),
        total=stored.get("total"),
        failing=failing,
        values=dict(stored.get("values") or {}),
    )


def stored_detail(stored: Mapping[str, Any], quality: QualityFile) -> dict[str, str]:
    """The detail text of a stored indicator result, in both languages."""
    indicator = quality.indicators.get(str(stored.get("id")))
    if indicator is None:
        return {"es": "", "en": ""}
    return _detail(indicator, outcome_of(stored), quality.texts)


def stored_fix(stored: Mapping[str, Any], quality: QualityFile) -> dict[str, str]:
    """The message of a stored fix, in both languages."""
    indicator = quality.indicators.get(str(stored.get("indicator")))
    if indicator is None:
        return {"es": "", "en": ""}
    return _fix(indicator, outcome_of(stored))


def _jsonable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, type(None))) or (
        isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values())
    )


@dataclass(frozen=True)
class ProfileScore:
    """A dataset's points and rating under one profile."""

    profile: str
    points: float
    max_points: float
    rating: str

    @property
    def percent(self) -> float:
        """The points as a percentage of the profile's maximum."""
        return _round(100 * self.points / self.max_points) if self.max_points else 0.0


@dataclass(frozen=True)
class Score:
    """A dataset's score under the active profile, and its MQA-only figure."""

    version: str
    main: ProfileScore
    mqa: ProfileScore
    dimensions: dict[str, dict[str, float]]
    indicators: list[IndicatorResult]
    fixes: list[dict[str, Any]]
    fresh: bool | None
    has_errors: bool
    personal_findings: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def points(self) -> float:
        """The points under the main profile."""
        return self.main.points

    @property
    def rating(self) -> str:
        """The rating under the main profile."""
        return self.main.rating


def _share(outcome: Outcome, profile: Profile) -> float:
    if outcome.share is not None:
        return max(0.0, min(1.0, float(outcome.share)))
    met, total = outcome.met or 0, outcome.total or 0
    if not total:
        return 0.0
    if profile.distributions == "alguna":
        return 1.0 if met else 0.0
    if profile.distributions == "todas":
        return 1.0 if met == total else 0.0
    return met / total


@functools.lru_cache(maxsize=4096)
def _generic(template: LocalizedText, met: int | None = None, total: int | None = None) -> dict[str, str]:
    """The file's generic texts, rendered once (they repeat on every dataset)."""
    return render(template, {"cumplen": met, "total": total})


def _detail(indicator: Indicator, outcome: Outcome, texts: Mapping[str, LocalizedText]) -> dict[str, str]:
    if outcome.state == NOT_APPLICABLE:
        return _generic(texts["no_aplica"])
    if outcome.state == PENDING:
        if indicator.detail is not None and outcome.values:
            return render(indicator.detail, outcome.values)
        return _generic(texts["pendiente"])
    if outcome.total is not None:
        if not outcome.total:
            return _generic(texts["sin_distribuciones"])
        return _generic(texts["distribuciones"], outcome.met, outcome.total)
    if indicator.detail is not None and outcome.values:
        return render(indicator.detail, outcome.values)
    return _generic(texts["cumple" if (outcome.share or 0) >= 1 else "no_cumple"])


def _fix(indicator: Indicator, outcome: Outcome) -> dict[str, str]:
    if not outcome.values and not outcome.failing:
        return _generic(indicator.fix)
    fix: dict[str, str] = {}
    for lang in LANGS:
        values = {**outcome.values, "recursos": _names(outcome.failing, lang)}
        fix[lang] = render(indicator.fix, values)[lang]
    return fix


def evaluate(facts: Facts, env: Environment, indicator_ids: list[str]) -> dict[str, Outcome]:
    """Run each indicator once (profiles only weigh the outcomes differently)."""
    quality = env.quality
    return {i: REGISTRY[i](facts, quality.indicators[i], env) for i in indicator_ids}


def _profile_total(
    outcomes: Mapping[str, Outcome], profile: Profile
) -> tuple[list[tuple[str, float, float, float]], float, float]:
    """(indicator, points, max, share) for the applicable indicators, and the totals."""
    rows: list[tuple[str, float, float, float]] = []
    for indicator_id, weight in profile.points.items():
        outcome = outcomes[indicator_id]
        if outcome.state == NOT_APPLICABLE:
            continue
        share = _share(outcome, profile)
        rows.append((indicator_id, _round(weight * share), float(weight), share))
    points = _round(sum(r[1] for r in rows))
    maximum = _round(sum(r[2] for r in rows))
    return rows, points, maximum


def score(facts: Facts, env: Environment, profile_id: str | None = None) -> Score:
    """Score one dataset under ``profile_id`` (default: the file's) and under the MQA."""
    quality: QualityFile = env.quality
    main_profile = quality.profile(profile_id)
    mqa_profile = quality.profiles["mqa"]
    # freshness feeds the `fresh` column whatever the profile weighs
    timely = [i for i in TIMELINESS if i in quality.indicators]
    needed = list(dict.fromkeys([*main_profile.points, *mqa_profile.points, *timely]))
    outcomes = evaluate(facts, env, needed)

    rows, points, maximum = _profile_total(outcomes, main_profile)
    _, mqa_points, mqa_max = _profile_total(outcomes, mqa_profile)

    dimensions: dict[str, dict[str, float]] = {}
    results: list[IndicatorResult] = []
    by_id = {r[0]: r for r in rows}
    for indicator_id in main_profile.points:
        indicator = quality.indicators[indicator_id]
        outcome = outcomes[indicator_id]
        row = by_id.get(indicator_id)
        earned, weight, share = (row[1], row[2], row[3]) if row else (0.0, 0.0, 0.0)
        passed = row is not None and outcome.state != PENDING and share >= 1 - 1e-9
        failed = row is not None and not passed and outcome.state != PENDING
        if row is not None:
            dim = dimensions.setdefault(indicator.dimension, {"points": 0.0, "max": 0.0})
            dim["points"] = _round(dim["points"] + earned)
            dim["max"] = _round(dim["max"] + weight)
        results.append(
            IndicatorResult(
                indicator=indicator,
                points=earned,
                max=weight,
                passed=passed,
                state=outcome.state,
                outcome=outcome,
                fixable=failed,
                texts=quality.texts,
            )
        )
    order = {indicator_id: n for n, indicator_id in enumerate(main_profile.points)}
    to_fix = sorted(
        (r for r in results if r.fixable and r.max - r.points > 0),
        key=lambda r: (-(r.max - r.points), order[r.id]),
    )
    # stored without their texts (see stored_fix); one fix per problem, with the gain of all
    # the indicators it fails
    fixes: list[dict[str, Any]] = []
    by_problem: dict[str, dict[str, Any]] = {}
    for r in to_fix:
        gain = _round(r.max - r.points)
        problem = r.indicator.problem
        if problem is not None and problem in by_problem:
            by_problem[problem]["gain"] = _round(by_problem[problem]["gain"] + gain)
            continue
        fix = {"indicator": r.id, "gain": gain, **_fix_facts(r.outcome)}
        fixes.append(fix)
        if problem is not None:
            by_problem[problem] = fix
    fixes.sort(key=lambda fix: -fix["gain"])  # stable: the profile's order among equal gains
    return Score(
        version=quality.version,
        main=ProfileScore(main_profile.id, points, maximum, main_profile.rating(points, maximum)),
        mqa=ProfileScore(mqa_profile.id, mqa_points, mqa_max, mqa_profile.rating(mqa_points, mqa_max)),
        dimensions=dimensions,
        indicators=results,
        fixes=fixes,
        fresh=_fresh(outcomes),
        has_errors=_has_errors(facts),
        personal_findings=_personal_findings(facts),
    )


def _fix_facts(outcome: Outcome) -> dict[str, Any]:
    data = stored_outcome(outcome, names=True)
    return {k: data[k] for k in ("failing", "more", "values") if k in data}


def _fresh(outcomes: Mapping[str, Outcome]) -> bool | None:
    """The sensor series' own clock when there is one, else the catalogue's."""
    for indicator_id in TIMELINESS:
        outcome = outcomes.get(indicator_id)
        if outcome is not None and outcome.state == "ok" and outcome.share is not None:
            return outcome.share >= 1
    return None


def _personal_findings(facts: Facts) -> int:
    names = {str(r.get("id")) for r in facts.resources}
    return sum(r.personal_findings for rid, r in facts.content_reports.items() if rid in names)


def _has_errors(facts: Facts) -> bool:
    """Error-level validation findings that stand: content, metadata or DCAT."""
    names = {str(r.get("id")) for r in facts.resources}
    if any(r.has_errors for rid, r in facts.content_reports.items() if rid in names):
        return True
    if facts.metadata_errors:
        return True
    return bool(facts.dcat and facts.dcat.status == "done" and facts.dcat.error_count)
