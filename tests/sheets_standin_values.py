"""Cell values of the Sheets stand-in: what a write stores and how a read renders it."""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass
from typing import Any

from tests.sheets_standin_errors import bad


@dataclass(frozen=True)
class Formula:
    text: str


SKIP = object()  # a JSON null in the values: Google leaves that cell as it is
CELL_LIMIT = 50_000  # characters; Google refuses the whole request beyond it
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def stored(value, option: str):
    """What a cell holds after writing `value` with valueInputOption `option`.

    Returns "" for "clear this cell" and SKIP for "leave it".
    """
    if value is None:
        return SKIP
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return _plain_number(value)
    if not isinstance(value, str):
        raise bad(f"Invalid values: {type(value).__name__} is not a cell value.")
    if len(value) > CELL_LIMIT:
        raise bad(
            f"Your input contains more than the maximum of {CELL_LIMIT} characters in a single cell."
        )
    if option == "RAW" or value == "":
        return value
    if value.startswith("'"):
        return value[1:]
    if value.startswith("=") and len(value) > 1:
        return Formula(value)
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    if _NUMBER.fullmatch(value.strip()):
        return _plain_number(float(value)) if any(ch in value for ch in ".eE") else int(value)
    return value


def _plain_number(value: int | float) -> int | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def format_number(value: int | float) -> str:
    """Google's automatic number format, close enough: 1 -> "1", 1.45 -> "1.45"."""
    value = _plain_number(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return "#NUM!"
    text = format(value, ".10g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa.upper()}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return text


def rendered(value, render: str):
    """A stored cell as values.get shows it under valueRenderOption `render`."""
    if isinstance(value, Formula):
        if render == "FORMULA":
            return value.text
        result = evaluate(value.text)
        value = value.text if result is None else result
    if render == "FORMATTED_VALUE":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int | float):
            return format_number(value)
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _plain_number(value)
    return value


_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def evaluate(formula: str) -> int | float | None:
    """Plain arithmetic formulas only ('=1+1'); anything else is left as text (None)."""
    source = formula[1:].replace("^", "**")
    if not re.fullmatch(r"[0-9.+\-*/() \t]+", source):
        return None
    try:
        return _plain_number(_eval(ast.parse(source, mode="eval").body))
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, OverflowError, KeyError):
        return None


def _eval(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.BinOp):
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp):
        return _OPS[type(node.op)](_eval(node.operand))
    raise ValueError(node)


def as_rows(values: Any, major: str) -> list[list]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise bad("Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue)")
    if major != "COLUMNS":
        return values
    height = max((len(col) for col in values), default=0)
    return [[col[i] if i < len(col) else None for col in values] for i in range(height)]
