"""The embedded default (SQLite, no Redis, no worker) with the demo data: every page its people use answers, in
Thai and in English, the board's cache works without Redis, and scores explain values without float noise."""

from __future__ import annotations


def test_the_demo_pages_answer_in_both_languages_and_the_board_is_kept(run_embedded) -> None:
    outcome = run_embedded("demo_pages")
    visits = outcome["visits"]

    assert len(visits) >= 60
    assert [visit for visit in visits if visit["status"] != 200] == []
    # The second view of the board is served whole from the process's own cache.
    assert outcome["board"] == {"statuses": [200, 200], "second_built": False}
    # Scores are explained with the values as typed (SQLite gives decimals as floats).
    assert outcome["scores"] > 1000
    assert outcome["noisy_numbers"] == []
