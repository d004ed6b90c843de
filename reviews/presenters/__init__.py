"""Presenters of the review workflow: records turned into what a page's template shows (the review sheet, the
reviewer's workspace, the ranking board, the comparison of cities), so that views only handle requests."""
