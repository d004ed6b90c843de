"""The embedded default (SQLite file) under several officers autosaving at once: no error, no lost write."""

from __future__ import annotations

from decimal import Decimal

from tests.embedded import concurrent_autosaves


def test_concurrent_autosaves_all_answer_saved_and_lose_no_write(run_embedded) -> None:
    outcome = run_embedded("concurrent_autosaves")
    answers = outcome["answers"]
    last = Decimal(concurrent_autosaves.SAVES) / 2

    assert len(outcome["codes"]) == concurrent_autosaves.THREADS
    assert len(answers) == concurrent_autosaves.THREADS * concurrent_autosaves.SAVES
    assert {(answer["status"], answer["state"]) for answer in answers} == {(200, "saved")}
    assert {code: Decimal(value) for code, value in outcome["stored"].items()} == dict.fromkeys(outcome["codes"], last)
