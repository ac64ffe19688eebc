"""The models of the reader's library: result objects, numpydoc docstrings, running examples.

Every model's fitting or testing function returns a frozen dataclass with named fields
(``result.p``, not ``result["p"]``), and every public function of the model modules
has a numpydoc docstring whose Examples run as doctests. ``make test`` runs those
doctests through pytest's ``--doctest-modules``; the last test here runs them too, so
that a test run limited to ``tests/`` still checks them.
"""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import inspect
import typing

import pytest
import tomllib

from cscbook.dilution import GroupComparison, SlopeTest, compare_groups, slope_test

from .conftest import ROOT

MODEL_MODULES = ["dilution", "doseresponse", "hierarchy", "metaanalysis", "summary_stats", "survival",
                 "oxygen", "distributions", "risk", "standardisation", "doseescalation", "catalogue"]
# Modules that are the book's plumbing rather than models a chapter teaches.
PLUMBING_MODULES = ["__init__", "checks", "data", "display", "notebook", "style"]
# The functions that fit a model or test a hypothesis, and so return a result object.
RESULT_FUNCTIONS = {
    "dilution": ["fit_single_hit", "slope_test", "compare_groups"],
    "doseresponse": ["fit_four_pl", "bootstrap_four_pl"],
    "metaanalysis": ["inverse_variance", "dersimonian_laird"],
    "summary_stats": ["welch_t_from_summary"],
    "survival": ["kaplan_meier", "logrank_test", "exponential_hazard_ratio", "cox_hazard_ratio"],
}
SECTIONS = ("Parameters", "Returns", "Examples")


def test_every_library_module_is_held_to_the_model_rules_or_named_as_plumbing():
    found = sorted(path.stem for path in (ROOT / "src" / "cscbook").glob("*.py"))
    assert found == sorted(MODEL_MODULES + PLUMBING_MODULES), "classify the new module in this file"


def module(name: str):
    return importlib.import_module(f"cscbook.{name}")


def public_functions(name: str):
    mod = module(name)
    return [(f, getattr(mod, f)) for f in mod.__all__ if inspect.isfunction(getattr(mod, f))]


def numpydoc_problems(function) -> list[str]:
    """What a function's docstring lacks of the numpydoc sections, each underlined."""
    doc = inspect.getdoc(function) or ""
    problems = [section for section in SECTIONS if f"\n{section}\n{'-' * len(section)}\n" not in doc]
    if ">>>" not in doc.partition("\nExamples\n")[2]:
        problems.append("an example (>>>) under Examples")
    return problems


@pytest.mark.parametrize("name", MODEL_MODULES)
def test_every_public_model_function_has_a_numpydoc_docstring(name):
    functions = public_functions(name)
    assert functions, f"cscbook.{name} exports no functions"
    missing = {f: problems for f, function in functions if (problems := numpydoc_problems(function))}
    assert not missing, f"cscbook.{name}: docstrings lack {missing}"


def test_the_docstring_check_notices_a_missing_section():
    def documented():
        """Do nothing.

        Parameters
        ----------
        none

        Returns
        -------
        None
        """

    assert numpydoc_problems(documented) == ["Examples", "an example (>>>) under Examples"]


@pytest.mark.parametrize(("name", "function"), [(m, f) for m, fs in RESULT_FUNCTIONS.items() for f in fs])
def test_model_functions_return_frozen_dataclasses(name, function):
    returned = typing.get_type_hints(getattr(module(name), function))["return"]
    assert dataclasses.is_dataclass(returned), f"{name}.{function} returns {returned}, not a result object"
    assert returned.__dataclass_params__.frozen, f"{returned.__name__} is not frozen"


def test_slope_test_and_compare_groups_keep_the_old_dict_keys_as_fields():
    dose, tested = [10, 100, 1000], [10, 10, 10]
    slope = slope_test(dose, tested, [1, 6, 10])
    assert isinstance(slope, SlopeTest)
    assert [f.name for f in dataclasses.fields(slope)] == ["slope", "se_slope", "wald_z", "wald_p", "lr_chisq", "lr_p"]
    comparison = compare_groups({"A": (dose, tested, [1, 6, 10]), "B": (dose, tested, [0, 2, 7])})
    assert isinstance(comparison, GroupComparison)
    assert [f.name for f in dataclasses.fields(comparison)] == ["chisq", "df", "p", "fits", "pooled"]
    assert set(comparison.fits) == {"A", "B"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        comparison.p = 1.0


def test_make_test_runs_the_library_doctests():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "src/cscbook" in options["testpaths"] and "tests" in options["testpaths"]
    assert "--doctest-modules" in options["addopts"].split()


@pytest.mark.parametrize("name", MODEL_MODULES)
def test_the_docstring_examples_run(name):
    mod = module(name)
    result = doctest.testmod(mod, verbose=False, report=True)
    assert result.attempted >= len(public_functions(name)), "too few examples ran"
    assert result.failed == 0, f"{result.failed} doctest example(s) of cscbook.{name} failed (see above)"
