"""The PDF's helpers that need no TeX: DataFrame tables and part numbers (src/cscbook_build/pdf.py, pdf_tables.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cscbook_build.pdf import PART_CAPTION, roman_to_int
from cscbook_build.pdf_tables import TABLE_MARKER, parse_html_table, table_to_latex


def latex_of(frame_or_styler) -> str:
    table = parse_html_table(frame_or_styler._repr_html_())
    assert table is not None
    return table_to_latex(table)


def test_a_dataframe_becomes_a_booktabs_table_with_numbers_right_aligned():
    frame = pd.DataFrame({"population": ["CD44+", "CD44-"], "cells_injected": [100, 2500],
                          "fraction": [0.5, 0.125]})
    latex = latex_of(frame)
    assert latex.startswith(TABLE_MARKER)
    assert r"\begin{tabular}{@{}llrr@{}}".replace(" ", "") in latex
    assert r"\toprule" in latex and r"\midrule" in latex and r"\bottomrule" in latex
    assert r"\textbf{cells\_injected}" in latex  # header, escaped
    assert "0.125" in latex and "0.500" in latex  # pandas' own formatting, as on the website
    assert r"\begin{cscbookfit}" in latex  # shrunk only if LaTeX finds it too wide, and logged


def test_special_characters_are_escaped():
    frame = pd.DataFrame({"note": ["50% & more #1", "a_b {c}", "~x^2$"]})
    latex = latex_of(frame)
    for escaped in (r"50\%", r"\&", r"\#1", r"a\_b", r"\{c\}", r"\$"):
        assert escaped in latex, escaped


def test_grouped_columns_span_their_group():
    frame = pd.DataFrame(np.arange(8).reshape(2, 4),
                         columns=pd.MultiIndex.from_product([["CSC", "bulk"], ["day 0", "day 7"]]))
    latex = latex_of(frame)
    assert r"\multicolumn{2}{c}{\textbf{CSC}}" in latex
    assert r"\multicolumn{2}{c}{\textbf{bulk}}" in latex
    for row in latex.splitlines():
        if row.endswith(r"\\"):  # index + 4 data columns on every row
            assert row.count("&") + row.count(r"\multicolumn{2}") == 4, row


def test_a_grouped_index_is_printed_once_per_group():
    frame = pd.DataFrame({"tumours": [1, 2, 3, 4]},
                         index=pd.MultiIndex.from_product([["A", "B"], [100, 1000]],
                                                          names=["population", "dose"]))
    latex = latex_of(frame)
    assert latex.count(r"\textbf{A}") == 1 and latex.count(r"\textbf{B}") == 1
    assert r"\textbf{population}" in latex and r"\textbf{dose}" in latex


def test_a_wide_table_with_prose_wraps_the_prose_instead_of_shrinking():
    frame = pd.DataFrame({
        "parameter": ["d0", "ax"], "compartment": ["stem", "progenitor"], "value": [0.003, 0.8],
        "unit": ["per day", "per day"],
        "meaning": ["Death (loss) rate of stem cells, per day, in both cell lines",
                    "Progenitors produced per normal stem cell per day"],
    })
    latex = latex_of(frame)
    assert r"\begin{tabularx}{\linewidth}" in latex and "adjustbox" not in latex
    assert r">{\raggedright\arraybackslash}X" in latex


def test_a_prose_column_with_a_long_compound_word_wraps_at_its_hyphen():
    # "anthracycline-based" (19 characters) once kept its column from wrapping, and the
    # table (chapter 8's csc_fraction_chemo) was shrunk below 8 pt
    frame = pd.DataFrame({
        "study": ["Lee 2011", "Tanei 2009"], "patients": [92, 108], "before": [4.8, 6.1], "after": [9.9, 8.2],
        "regimen": ["anthracycline-based then taxane-based neoadjuvant chemotherapy, four cycles each",
                    "paclitaxel followed by fluorouracil/epirubicin/cyclophosphamide, four cycles each"],
    })
    latex = latex_of(frame)
    assert r">{\raggedright\arraybackslash}X" in latex and "adjustbox" not in latex
    assert r"anthracycline\sphinxhyphen{}\allowbreak{}based" in latex
    assert r"fluorouracil/\allowbreak{}epirubicin" in latex


def test_a_table_too_wide_even_for_a_landscape_page_is_shrunk_and_reports_its_size():
    frame = pd.DataFrame(np.arange(40).reshape(2, 20) * 1000.5)
    latex = latex_of(frame)
    assert r"\begin{cscbookfit}" in latex and r"\scriptsize" in latex
    assert r"\begin{landscape}" in latex


def test_a_moderately_wide_table_is_set_smaller_not_shrunk():
    frame = pd.DataFrame(np.arange(18).reshape(2, 9) * 1000.5)  # about 90 characters
    latex = latex_of(frame)
    assert r"\footnotesize" in latex and "landscape" not in latex


def test_long_column_labels_are_stacked_when_the_table_is_too_wide():
    frame = pd.DataFrame({f"event_free_high_{i}": [1, 2] for i in range(8)})
    latex = latex_of(frame)
    assert r"\textbf{event\_free\_high\_0}" not in latex
    assert r"\begin{tabular}[b]{@{}r@{}}\textbf{event\_} \\ \textbf{free\_} \\ \textbf{high\_0}\end{tabular}" in latex
    assert "landscape" not in latex


def test_a_table_in_a_box_never_turns_the_page():
    frame = pd.DataFrame(np.arange(40).reshape(2, 20) * 1000.5)
    table = parse_html_table(frame.to_html())
    assert "landscape" not in table_to_latex(table, allow_landscape=False)


def test_a_long_frame_becomes_a_longtable_with_a_repeated_header():
    frame = pd.DataFrame({"dose": range(40), "positive": range(40)})
    latex = latex_of(frame)
    assert r"\begin{longtable}" in latex and r"\endhead" in latex


def test_a_truncated_frame_keeps_its_ellipsis_and_size_note():
    frame = pd.DataFrame({"dose": range(100), "positive": range(100)})
    with pd.option_context("display.max_rows", 20, "display.min_rows", 6):
        latex = latex_of(frame)
    assert "..." in latex
    assert "100 rows" in latex


def test_a_styler_table_is_typeset_too():
    frame = pd.DataFrame({"frequency": [0.0038, 0.0000047]}, index=["CD133+", "unsorted"])
    styler = frame.style.format("{:.2e}").set_caption("Frequencies")
    latex = latex_of(styler)
    assert r"3.80e\sphinxhyphen{}03" in latex and "CD133+" in latex
    assert "Frequencies" in latex


@pytest.mark.parametrize("html", [
    "<p>no table here</p>",
    "<table><tr><td>1</td></tr></table><table><tr><td>2</td></tr></table>",
    "<div><p>" + "A long explanation. " * 10 + "</p><table><tr><td>1</td></tr></table></div>",
])
def test_outputs_that_are_not_one_table_are_left_alone(html):
    assert parse_html_table(html) is None


def test_part_captions_and_roman_numerals():
    match = PART_CAPTION.match("Part III. How to target CSCs")
    assert match and roman_to_int(match.group(1)) == 3 and match.group(2) == "How to target CSCs"
    assert [roman_to_int(n) for n in ("I", "IV", "IX", "XII", "XIV")] == [1, 4, 9, 12, 14]
    assert PART_CAPTION.match("Back matter") is None


def test_pages_read_by_the_pdf_build_are_read_again_by_the_next_website_build(tmp_path):
    from types import SimpleNamespace

    from cscbook_build.pdf import _forget_reread, _remember_pages_read_by_another_builder, _reread_for_html

    env = SimpleNamespace(found_docs={"book/part1/01-a", "book/part1/02-b", "book/intro"})
    latex = SimpleNamespace(builder=SimpleNamespace(format="latex"), doctreedir=str(tmp_path))
    html = SimpleNamespace(builder=SimpleNamespace(format="html"), doctreedir=str(tmp_path))
    _remember_pages_read_by_another_builder(latex, env, ["book/part1/01-a"])
    _remember_pages_read_by_another_builder(latex, env, ["book/part1/02-b", "book/gone"])
    _remember_pages_read_by_another_builder(html, env, ["book/intro"])  # the website's own reads
    assert sorted(_reread_for_html(html, env, set(), set(), set())) == ["book/part1/01-a", "book/part1/02-b"]
    assert _reread_for_html(latex, env, set(), set(), set()) == []
    _forget_reread(html, RuntimeError("build failed"))
    assert _reread_for_html(html, env, set(), set(), set())  # kept for the next try
    _forget_reread(html, None)
    assert _reread_for_html(html, env, set(), set(), set()) == []


def test_a_pivoted_frame_has_no_empty_header_cells_on_the_website_or_in_print():
    from cscbook.display import dataframe_html

    long = pd.DataFrame({"quantity": ["sp", "sp", "non_sp", "non_sp"],
                         "statistic": ["mean", "sd", "mean", "sd"], "value": [5.8, 1.2, 1.1, 0.7]})
    wide = long.pivot(index="quantity", columns="statistic", values="value").reset_index()
    html = dataframe_html(wide)
    assert "<th></th>" not in html
    table = parse_html_table(html)
    assert [len(row) for row in table.head + table.body] == [3] * 3
