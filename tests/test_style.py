"""One colour-blind-safe style for every figure."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import matplotlib as mpl
import pytest

from cscbook.style import (
    COLORS,
    FIGURE_FORMATS_VARIABLE,
    FIGURE_WIDTH,
    LINESTYLES,
    MARKERS,
    MIN_FONT_PT,
    OKABE_ITO,
    PRINT_FIGURE_FORMATS,
    population_style,
    smallest_font_pt,
    use_book_style,
)

from .conftest import ROOT


def test_every_population_colour_comes_from_the_okabe_ito_palette():
    assert set(COLORS.values()) <= set(OKABE_ITO.values())


def test_populations_differ_by_more_than_colour():
    populations = [p for p in COLORS if p != "model"]
    assert len({COLORS[p] for p in populations}) == len(populations)
    assert len({MARKERS[p] for p in populations}) == len(populations)
    assert len({str(LINESTYLES[p]) for p in populations}) == len(populations)


def test_book_style_sets_palette_and_print_friendly_sizes():
    use_book_style()
    cycle = [c.lower() for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle[:2] == [COLORS["csc"].lower(), COLORS["bulk"].lower()]
    assert mpl.rcParams["font.size"] >= 10
    assert mpl.rcParams["savefig.dpi"] >= 200


def test_unknown_population_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown population 'stem'"):
        population_style("stem")


def figure_mime_types(formats: str | None) -> tuple[int, float, float, list[str]]:
    """The PNG's width, smallest font (pt) and dpi, and the mime types of a default figure in a fresh IPython shell, as
    when a chapter is executed, with ``$CSCBOOK_FIGURE_FORMATS`` set to ``formats``."""
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "import matplotlib; matplotlib.use('agg')\n"
        "from cscbook.style import use_book_style\n"
        "use_book_style()\n"
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(); ax.plot([1, 2], [3, 4], label='a'); ax.legend(fontsize=8)\n"
        "data, _ = shell.display_formatter.format(fig)\n"
        "import base64, io; from PIL import Image\n"
        "png = data['image/png']\n"
        "image = Image.open(io.BytesIO(png if isinstance(png, bytes) else base64.b64decode(png)))\n"
        "print(image.width, image.text['cscbook:min-font-pt'], image.text['cscbook:dpi'], ' '.join(sorted(data)))\n"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    env.pop(FIGURE_FORMATS_VARIABLE, None)
    if formats is not None:
        env[FIGURE_FORMATS_VARIABLE] = formats
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    width, min_font, dpi, *mime_types = result.stdout.split()
    return int(width), float(min_font), float(dpi), mime_types


def test_notebook_figures_are_drawn_once_as_png_for_the_website():
    width, min_font, dpi, mime_types = figure_mime_types(None)
    assert "image/png" in mime_types
    assert "application/pdf" not in mime_types, "a figure drawn for print outside the PDF build"
    # the PNG records its smallest text (the 8 pt legend) and resolution, which the
    # website test turns into a text height on a phone's screen
    assert (min_font, dpi) == (8, mpl.rcParams["figure.dpi"])
    # a default figure is about FIGURE_WIDTH inches wide (tight bounding box)
    assert 0.85 * FIGURE_WIDTH * dpi <= width <= 1.05 * FIGURE_WIDTH * dpi


def test_the_pdf_build_also_gets_vector_pdf_figures():
    width, min_font, dpi, mime_types = figure_mime_types(",".join(PRINT_FIGURE_FORMATS))
    assert "image/png" in mime_types and "application/pdf" in mime_types
    assert (min_font, dpi) == (8, mpl.rcParams["figure.dpi"])
    assert 0.85 * FIGURE_WIDTH * dpi <= width <= 1.05 * FIGURE_WIDTH * dpi


@pytest.mark.parametrize("target, expected", [("pdf-build", ",".join(PRINT_FIGURE_FORMATS)), ("html", "")])
def test_make_asks_for_print_figures_in_the_pdf_build_only(tmp_path, target, expected):
    """``make`` with a stand-in venv whose programs record the variable they were given."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    record = tmp_path / "seen.txt"
    for program in ("python", "jupyter-book"):
        stand_in = venv / "bin" / program
        stand_in.write_text(f'#!/bin/sh\necho "[${{{FIGURE_FORMATS_VARIABLE}}}]" >> {record}\n')
        stand_in.chmod(0o755)
    stamp = tmp_path / "stamp"
    stamp.touch()
    env = {k: v for k, v in os.environ.items() if k not in (FIGURE_FORMATS_VARIABLE, "MAKEFLAGS", "MAKELEVEL")}
    subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), target, f"VENV={venv}", f"STAMP={stamp}"],
                   capture_output=True, text=True, env=env, timeout=60)
    seen = record.read_text(encoding="utf-8").split()
    assert len(seen) >= 2 and set(seen) == {f"[{expected}]"}, seen


def test_figure_text_reads_on_a_phone():
    # a phone 390 CSS px wide shows the figure about 340 px wide (the book's column)
    use_book_style()
    assert MIN_FONT_PT / 72 * 340 / FIGURE_WIDTH >= 9
    assert mpl.rcParams["figure.figsize"][0] == FIGURE_WIDTH
    for key in ("legend.fontsize", "xtick.labelsize", "ytick.labelsize", "axes.labelsize", "font.size"):
        assert mpl.rcParams[key] >= MIN_FONT_PT, key


def test_smallest_font_size_counts_only_text_that_is_drawn():
    import matplotlib.pyplot as plt

    use_book_style()
    fig, (shown, hidden) = plt.subplots(2, 1)
    shown.set_xlabel("dose", fontsize=13)
    shown.text(0.5, 0.5, "note", fontsize=9)
    shown.text(0.5, 0.2, "", fontsize=5)  # empty: not drawn
    shown.tick_params(labelsize=12)
    hidden.axis("off")
    hidden.tick_params(labelsize=6)  # the axis is off: its tick labels are not drawn
    hidden.text(0.1, 0.1, "legend-like", fontsize=11)
    assert smallest_font_pt(fig) == 9
    plt.close(fig)


def test_book_style_outside_ipython_does_not_start_a_shell():
    from IPython import get_ipython

    use_book_style()
    assert get_ipython() is None


def test_dataframe_html_has_no_empty_header_cell():
    import pandas as pd

    from cscbook.display import dataframe_html

    matrix = pd.DataFrame(
        [[0.75, 0.25], [0.05, 0.95]],
        index=pd.Index(["stem-like", "bulk"], name="today"),
        columns=pd.Index(["stem-like", "bulk"], name="tomorrow"),
    )
    html = dataframe_html(matrix)
    assert "<th></th>" not in html and "today / tomorrow" in html
    plain = pd.DataFrame({"dose": [1, 2]}).rename_axis(columns="population")
    assert "<th></th>" not in dataframe_html(plain)


def test_dataframe_html_shows_results_not_internals():
    """No row numbers (gappy after a filter) or level_0 column, a dash for missing values
    whatever pandas calls them, and numeric columns marked to align right."""
    import numpy as np
    import pandas as pd

    from cscbook.display import MISSING, dataframe_html

    table = pd.DataFrame({"arm": ["drug", "placebo", "both"], "responders": [3.0, np.nan, 5.0],
                          "note": ["x", None, pd.NA]}, index=[4, 8, 15])
    html = dataframe_html(table[table["arm"] != "both"])
    assert "level_0" not in html and ">4<" not in html and ">8<" not in html
    for missing in ("NaN", "&lt;NA&gt;", "None"):
        assert missing not in html
    assert html.count(MISSING) == 2
    assert '<th class="num">responders</th>' in html and '<td class="num">3.0</td>' in html
    assert '<td class="num">drug</td>' not in html and "<td>drug</td>" in html
    labelled = dataframe_html(pd.DataFrame({"share": [0.1, 0.9]}, index=["stem-like", "bulk"]))
    assert "<th>row</th>" in labelled and "<td>stem-like</td>" in labelled


def test_fit_labels_keeps_a_labelled_figure_at_the_book_width():
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from cscbook.style import fit_labels

    use_book_style()
    labels = ["a long category name that needs two lines", "short", "another long category label"]

    def width(fit: bool) -> int:
        fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3.0))
        ax.plot([1, 2, 3], [0, 1, 2], "o")
        ax.set_yticks([0, 1, 2], labels)
        ax.set_xlabel("a long axis label that runs wider than the figure itself would allow")
        if fit:
            fit_labels(ax)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        return Image.open(buffer).width

    assert width(fit=False) > 1.1 * FIGURE_WIDTH * 100
    assert width(fit=True) <= (FIGURE_WIDTH + 0.2) * 100  # the tight bounding box pads 0.1 inch a side
