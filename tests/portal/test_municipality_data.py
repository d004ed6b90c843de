import pytest

from portal.municipality_data import read_municipality_rows

pytestmark = pytest.mark.unit


def test_rows_carry_official_province_and_district_names_from_geothai():
    rows = {row.code: row for row in read_municipality_rows()}

    assert (rows["9599"].province_th, rows["9599"].province_en) == ("ยะลา", "Yala")
    assert (rows["9599"].district_code, rows["9599"].district_th, rows["9599"].district_en) == (
        "9501",
        "เมืองยะลา",
        "Mueang Yala",
    )
    assert rows["10"].province_en == "Bangkok"
    assert rows["9698"].district_th == "สุไหงโก-ลก"


def test_rows_keep_population_provenance():
    rows = list(read_municipality_rows())

    direct = [row for row in rows if row.population is not None and not row.population_is_estimate]
    estimated = [row for row in rows if row.population_is_estimate]
    missing = [row.code for row in rows if row.population is None]

    assert (len(rows), len(direct), len(estimated), missing) == (2474, 1526, 947, ["5598"])
