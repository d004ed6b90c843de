"""The embedded default has no worker: a long job still never holds the request that queued it."""

from __future__ import annotations


def test_zip_of_packets_answers_at_once_and_finishes_in_the_background(run_embedded) -> None:
    outcome = run_embedded("long_job")
    at_answer, at_end = outcome["at_answer"], outcome["at_end"]

    # The page answered (a redirect to the exports page) while the ZIP was still to be built ...
    assert at_answer["status"] == 302
    assert at_answer["run"] in {"queued", "running"}
    assert at_answer["done"] < at_answer["total"]
    assert at_answer["progress_page"] == 200
    # ... and the job, on its own thread, built the whole ZIP.
    assert at_end == {"run": "done", "done": at_answer["total"], "total": at_answer["total"], "file": True}
