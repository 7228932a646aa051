"""A worksheet's cells as the Sheet driver reads them (lib/repository/sheets_cells.py):
values someone typed by hand into the Sheet, and Google's refusals as the Dutch
message a page shows. Pure functions, fed the values and error bodies Google sends."""

from __future__ import annotations

import pytest

from lib.repository.base import StoreUnavailable
from lib.repository.sheets_cells import (
    beyond_grid,
    column_letter,
    dims,
    from_cell,
    parse_sheet,
    quote,
    refusal_message,
    trimmed,
)
from lib.schema import Column, Table
from tests.sheets_support import refused

NUMBER = Column("count", "int", "Aantal")
YES_NO = Column("urgent", "bool", "Urgent")
TEXT = Column("phone", "text", "Telefoon")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [(3, 3), (3.0, 3), ("3", 3), (" 12 ", 12), ("-4", -4), ("", 0), (True, 1), (-2.0, -2)],
)
def test_a_number_typed_by_hand_is_read_as_a_whole_number(typed, expected):
    value = from_cell(NUMBER, typed)
    assert value == expected and type(value) is int


@pytest.mark.parametrize(
    ("column", "typed", "kind"),
    [
        *[(NUMBER, t, "geheel getal") for t in ("3,5", "drie", "--4", "4-", "-", "²", 2.5, "1e3")],
        *[(YES_NO, t, "ja/nee-waarde") for t in ("misschien", "2", "j", 0.5)],
    ],
)
def test_a_cell_that_does_not_fit_its_column_is_refused_in_dutch(column, typed, kind):
    with pytest.raises(ValueError) as caught:
        from_cell(column, typed)
    assert str(caught.value) == f"'{typed}' in kolom '{column.name}' is geen {kind}"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        *[(word, True) for word in ("TRUE", "1", "Ja", "yes", "waar", "x", " X ")],
        *[(word, False) for word in ("FALSE", "0", "nee", "No", "onwaar", "", "  ")],
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (1.0, True),
    ],
)
def test_a_yes_no_typed_by_hand_is_read_in_dutch_and_english(typed, expected):
    assert from_cell(YES_NO, typed) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (612345678.0, "612345678"),  # a phone number typed without its 0 becomes a number
        (612345678, "612345678"),
        (2.5, "2.5"),
        (True, "True"),
        ("'=SUM(A1)", "=SUM(A1)"),  # stored with the apostrophe that keeps it text
        ("Telefoon kapot", "Telefoon kapot"),
    ],
)
def test_a_text_cell_is_read_as_the_text_shown(typed, expected):
    assert from_cell(TEXT, typed) == expected


GRID = "Range ('tickets'!A2:Z2000) exceeds grid limits. Max rows: 1000, max columns: 26"


def test_only_a_range_beyond_the_worksheet_is_beyond_the_grid():
    assert beyond_grid(refused(400, GRID))
    assert not beyond_grid(refused(400, "Unable to parse range: 'tickets'!A1:Z"))
    assert not beyond_grid(refused(403, GRID))
    assert not beyond_grid(refused(400, None))


NO_ACCESS = (
    "Geen toegang tot de Google Sheet. Deel de sheet als bewerker met het "
    "e-mailadres van het service-account."
)
NOT_FOUND = "De Google Sheet is niet gevonden. Controleer de sleutel in de instellingen."
NO_WORKSHEET = "Een werkblad ontbreekt in de Google Sheet. Voer eerst de installatie (setup) uit."


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (refused(403, "The caller does not have permission"), NO_ACCESS),
        (refused(403, None, html=True), NO_ACCESS),  # a proxy's page: no JSON code
        (refused(404, "Requested entity was not found."), NOT_FOUND),
        (refused(404, None, html=True), NOT_FOUND),
        (refused(400, "Unable to parse range: 'tickets'!A1:Z"), NO_WORKSHEET),
        (refused(400, "Unable to Parse Range: tickets"), NO_WORKSHEET),
        (
            refused(400, GRID),
            f"De Google Sheet weigerde het verzoek (400): {GRID}",
        ),
        (
            refused(401, "Unable to parse range: x"),
            "De Google Sheet weigerde het verzoek (401): Unable to parse range: x",
        ),
        (refused(400, None), "De Google Sheet weigerde het verzoek (400): "),
    ],
)
def test_google_s_refusal_is_told_in_dutch(error, message):
    assert refusal_message(error) == message


THINGS = Table(
    "things",
    (
        Column("id", "text", "Id"),
        Column("version", "int", "Versie"),
        Column("name", "text", "Naam"),
    ),
)
WRONG_HEADER = (
    "Werkblad 'things' heeft niet de verwachte kopregel. "
    "Voer de installatie (setup) uit of herstel de eerste rij."
)


@pytest.mark.parametrize("values", [[], [["id", "naam", "versie"]], [["id"], ["x1"]]])
def test_a_worksheet_without_its_header_is_refused_in_dutch(values):
    with pytest.raises(StoreUnavailable) as caught:
        parse_sheet(THINGS, values)
    assert str(caught.value) == WRONG_HEADER


def test_a_cell_that_does_not_fit_its_column_names_worksheet_row_and_column():
    values = [["id", "version", "name"], ["x1", 1, "a"], ["x2", "twee", "b"]]
    with pytest.raises(StoreUnavailable) as caught:
        parse_sheet(THINGS, values)
    assert str(caught.value) == (
        "Werkblad 'things', rij 3: 'twee' in kolom 'version' is geen geheel getal"
    )


def test_rows_are_read_by_id_with_their_place_and_blank_rows_kept_free():
    values = [
        ["id", "version", "name", "", ""],  # a header with blank cells after it
        ["x1", 1, "a"],
        ["", "", ""],  # moved to the archive
        ["", 2, "een notitie"],  # typed by hand, no id
        ["x1", 3, "kopie"],  # a hand-made copy of x1
        ["x2", "", ""],
    ]
    sheet = parse_sheet(THINGS, values)
    assert sheet.rows == {
        "x1": {"id": "x1", "version": 1, "name": "a"},
        "x2": {"id": "x2", "version": 0, "name": ""},
    }
    assert sheet.position == {"x1": 2, "x2": 6}
    assert sheet.free == [3]


@pytest.mark.parametrize(
    ("cells", "kept"),
    [
        (["id", "x", "", ""], ["id", "x"]),
        (["a", "", "b", ""], ["a", "", "b"]),
        (["", ""], []),
        (["a", "b"], ["a", "b"]),
        ([], []),
    ],
)
def test_trailing_blank_cells_are_dropped_and_inner_ones_kept(cells, kept):
    assert trimmed(list(cells)) == kept


def test_a_worksheet_s_size_and_guards_from_its_properties():
    """As spreadsheets.get and an addSheet reply give them: Google leaves out what is
    zero or false (proto3 JSON), and a chart sheet someone added has no grid at all."""
    made = {"sheetId": 5, "title": "tickets", "gridProperties": {"rowCount": 1000}}
    assert dims(made) == {
        "sheetId": 5,
        "rowCount": 1000,
        "columnCount": 0,
        "hidden": False,
        "protected": False,
    }
    log = {"sheetId": 9, "hidden": True, "gridProperties": {"columnCount": 26}}
    assert dims(log, protected=True) == {
        "sheetId": 9,
        "rowCount": 0,
        "columnCount": 26,
        "hidden": True,
        "protected": True,
    }
    chart = {"sheetId": 7, "title": "Grafiek", "sheetType": "OBJECT"}
    assert dims(chart) == {
        "sheetId": 7,
        "rowCount": 0,
        "columnCount": 0,
        "hidden": False,
        "protected": False,
    }


def test_column_letters_as_a1_names_them():
    assert [column_letter(n) for n in (1, 2, 26, 27, 52, 53, 702, 703)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
    with pytest.raises(ValueError) as caught:
        column_letter(0)
    assert str(caught.value) == "column 0 does not exist"


def test_a_worksheet_title_is_quoted_as_a1_notation_wants():
    """Google's A1 notation: the title in single quotes, a quote in it doubled."""
    assert quote("tickets") == "'tickets'"
    assert quote("Juf's blad") == "'Juf''s blad'"
