"""German and English number formats: the fast path equals Babel's formatting."""

from __future__ import annotations

import numpy as np
import pytest
from babel.numbers import format_decimal

from quartier.format import LOCALES, MINUS, format_number, format_percent


@pytest.mark.parametrize("language", ["de", "en"])
def test_format_number_equals_babel_on_random_values(language):
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.normal(0, 1, 2000), rng.normal(0, 1e6, 2000),
                             rng.integers(-10**7, 10**7, 500).astype(float),
                             [0.0, -0.0, 0.5, 1.5, 2.5, 2.675, 0.125, -0.001, 1e-12, 999.995]])
    for decimals in (0, 1, 2, 3):
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        for value in values:
            expected = format_decimal(float(value), format=pattern, locale=LOCALES[language])
            expected = expected.replace("-", MINUS)  # the reader's minus sign, U+2212
            if expected.startswith(MINUS) and not expected.strip(MINUS + "0.,"):
                expected = expected[1:]  # a negative number rounded to zero: no sign
            assert format_number(value, decimals, language) == expected, (value, decimals)


def test_format_number_examples():
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_number(1234567, 0) == "1.234.567"
    assert format_number(np.float64(3821881.0)) == "3.821.881"
    assert format_number(-0.25, 1, "en") == "\u22120.2"
    assert format_number(-1234.5, 1) == "\u22121.234,5"
    assert format_number(-0.04, 1) == "0,0" and format_number(-0.0, 2) == "0,00"
    assert format_number(-0.5, 0) == "0" and format_number(-0.6, 0) == "\u22121"
    assert format_percent(12.5) == "12,5\u00a0%"
    assert format_number(float("nan")) == "–" and format_number(None) == "–"
