"""Two-arm comparisons of small event counts: exact tests, risk differences and NNT.

Chapter 16 (differentiation therapy) teaches these tools on published trial counts:

- :func:`fisher_two_sided`, Fisher's exact test for a 2 x 2 table, written out from the
  hypergeometric distribution (the chapter compares it with ``scipy.stats.fisher_exact``);
- :func:`wilson_interval`, the Wilson score interval for one proportion;
- :func:`newcombe_difference`, the difference of two proportions with Newcombe's hybrid
  score interval (his method 10), built from the two Wilson intervals;
- :func:`number_needed_to_treat`, the number needed to treat with its interval, which
  runs "through infinity" when the interval of the risk difference contains zero;
- :func:`counts_matching_percent`, the whole counts of ``n`` that a rounded published
  percentage can stand for.

Imports only the standard library, NumPy and SciPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

__all__ = [
    "hypergeometric_pmf",
    "fisher_two_sided",
    "wilson_interval",
    "newcombe_difference",
    "NumberNeededToTreat",
    "number_needed_to_treat",
    "counts_matching_percent",
]


def _check_count(k: int, n: int) -> None:
    if n < 1 or not 0 <= k <= n or int(k) != k or int(n) != n:
        raise ValueError(f"need whole counts with 0 <= k <= n and n >= 1, got k={k}, n={n}")


def hypergeometric_pmf(x: int, total: int, successes: int, draws: int) -> float:
    """Probability of ``x`` successes in ``draws`` taken without replacement.

    The urn holds ``total`` items, ``successes`` of them successes:
    ``C(successes, x) C(total - successes, draws - x) / C(total, draws)``.

    Parameters
    ----------
    x : int
        Successes among the draws.
    total, successes, draws : int
        Items in the urn, successes in the urn, and items drawn.

    Returns
    -------
    float
        The probability (0 outside the possible range of ``x``).

    Examples
    --------
    >>> round(hypergeometric_pmf(0, total=10, successes=2, draws=5), 4)
    0.2222
    """
    if x < 0 or x > draws or x > successes or draws - x > total - successes:
        return 0.0
    return math.comb(successes, x) * math.comb(total - successes, draws - x) / math.comb(total, draws)


def fisher_two_sided(a: int, b: int, c: int, d: int, relative_tolerance: float = 1e-7) -> float:
    """Two-sided P value of Fisher's exact test for the table ``[[a, b], [c, d]]``.

    With all margins fixed, ``a`` follows a hypergeometric distribution. The P value sums
    the probabilities of every table with these margins that is no more likely than the
    one observed (with a small relative tolerance for ties in floating point, as R and
    SciPy do).

    Parameters
    ----------
    a, b, c, d : int
        The cell counts: row 1 is ``(a, b)``, row 2 is ``(c, d)``.
    relative_tolerance : float, optional
        Tables within this relative distance of the observed probability count as ties.

    Returns
    -------
    float
        The two-sided P value.

    Examples
    --------
    >>> round(fisher_two_sided(3, 1, 1, 3), 4)
    0.4857
    """
    for value in (a, b, c, d):
        if value < 0 or int(value) != value:
            raise ValueError("cell counts must be whole numbers >= 0")
    row1, column1, total = a + b, a + c, a + b + c + d
    observed = hypergeometric_pmf(a, total, column1, row1)
    low, high = max(0, row1 + column1 - total), min(row1, column1)
    p_value = sum(
        probability
        for x in range(low, high + 1)
        if (probability := hypergeometric_pmf(x, total, column1, row1)) <= observed * (1 + relative_tolerance)
    )
    return min(1.0, p_value)


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``k / n``.

    Parameters
    ----------
    k, n : int
        Events and patients.
    confidence : float, optional
        Confidence level.

    Returns
    -------
    tuple of float
        Lower and upper limit.

    Examples
    --------
    >>> [round(limit, 4) for limit in wilson_interval(127, 127)]
    [0.9706, 1.0]
    """
    _check_count(k, n)
    # the same interval chapter 2 takes from SciPy
    interval = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


def newcombe_difference(
    k1: int, n1: int, k2: int, n2: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Difference ``k1/n1 - k2/n2`` with Newcombe's hybrid score interval.

    Each proportion gets its Wilson interval ``(l, u)``; the limits of the difference
    are ``d - sqrt((p1 - l1)^2 + (u2 - p2)^2)`` and ``d + sqrt((u1 - p1)^2 + (p2 - l2)^2)``
    (Newcombe 1998, method 10). Unlike the Wald interval, it stays inside [-1, 1] and
    behaves sensibly when a count is 0 or n.

    Parameters
    ----------
    k1, n1 : int
        Events and patients in arm 1.
    k2, n2 : int
        Events and patients in arm 2.
    confidence : float, optional
        Confidence level.

    Returns
    -------
    tuple of float
        The difference, its lower limit and its upper limit.

    Examples
    --------
    >>> [round(value, 4) for value in newcombe_difference(127, 127, 132, 136)]
    [0.0294, -0.005, 0.0732]
    """
    _check_count(k1, n1)
    _check_count(k2, n2)
    p1, p2 = k1 / n1, k2 / n2
    low1, high1 = wilson_interval(k1, n1, confidence)
    low2, high2 = wilson_interval(k2, n2, confidence)
    difference = p1 - p2
    lower = difference - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    upper = difference + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)
    return difference, lower, upper


@dataclass(frozen=True)
class NumberNeededToTreat:
    """A number needed to treat and its confidence interval.

    ``nnt`` is ``1 / difference`` (positive: treat this many to gain one more good
    outcome; negative: one more harm). When the interval of the risk difference lies
    above zero, the interval is ``(1 / upper, 1 / lower)``. When it contains zero, the
    interval is not one stretch of numbers: it runs from ``benefit_bound`` patients
    (NNTB) out to infinity and back to ``harm_bound`` patients (NNTH).
    """

    nnt: float
    benefit_bound: float | None
    harm_bound: float | None
    difference_interval: tuple[float, float]

    @property
    def crosses_zero(self) -> bool:
        """Whether the interval of the risk difference contains zero."""
        low, high = self.difference_interval
        return low <= 0 <= high

    def describe(self) -> str:
        """The interval in words, as Altman (1998) recommends writing it."""
        low, high = self.difference_interval
        if low > 0:
            return f"NNTB {self.nnt:.1f} (95% CI {1 / high:.1f} to {1 / low:.1f})"
        if high < 0:
            return f"NNTH {-self.nnt:.1f} (95% CI {-1 / low:.1f} to {-1 / high:.1f})"
        text = "NNTB" if self.nnt > 0 else "NNTH"
        parts = []
        if self.benefit_bound is not None:
            parts.append(f"NNTB {self.benefit_bound:.1f}")
        parts.append("infinity")
        if self.harm_bound is not None:
            parts.append(f"NNTH {self.harm_bound:.1f}")
        return f"{text} {abs(self.nnt):.1f} (95% CI {' to '.join(parts)})"


def number_needed_to_treat(difference: float, lower: float, upper: float) -> NumberNeededToTreat:
    """Number needed to treat from a risk difference (benefit positive) and its interval.

    Parameters
    ----------
    difference : float
        Proportion with the good outcome on treatment minus on control.
    lower, upper : float
        The confidence limits of the difference.

    Returns
    -------
    NumberNeededToTreat
        The NNT, the bounds of its interval on the benefit and harm sides, and the
        interval of the difference it came from.

    Examples
    --------
    >>> result = number_needed_to_treat(0.25, 0.10, 0.40)
    >>> result.describe()
    'NNTB 4.0 (95% CI 2.5 to 10.0)'
    >>> number_needed_to_treat(0.03, -0.002, 0.07).describe()
    'NNTB 33.3 (95% CI NNTB 14.3 to infinity to NNTH 500.0)'
    """
    if not lower <= difference <= upper:
        raise ValueError("the difference must lie inside its interval")
    if difference == 0:
        raise ValueError("a risk difference of 0 has no finite number needed to treat")
    benefit = 1 / upper if upper > 0 else None
    harm = -1 / lower if lower < 0 else None
    return NumberNeededToTreat(1 / difference, benefit, harm, (float(lower), float(upper)))


def counts_matching_percent(percent: float, n: int, decimals: int = 1) -> list[int]:
    """Whole counts ``k`` of ``n`` whose percentage rounds to the published ``percent``.

    A paper that gives "40.3% of 176" hides the count; this lists the counts that
    round to it. One count means the count is recovered; several mean it is not.

    Parameters
    ----------
    percent : float
        The published percentage.
    n : int
        The denominator.
    decimals : int, optional
        Decimal places to which the percentage was rounded.

    Returns
    -------
    list of int
        Every matching count, in increasing order.

    Examples
    --------
    >>> counts_matching_percent(40.3, 176)
    [71]
    >>> counts_matching_percent(47, 72, decimals=0)
    [34]
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    half_step = 0.5 * 10.0 ** (-decimals)
    return [k for k in range(n + 1) if abs(100 * k / n - percent) <= half_step + 1e-9]
