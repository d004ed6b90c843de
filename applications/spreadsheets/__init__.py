"""The Excel round-trip at the boundary: an application's fill-in template out (template.py), an upload back in as
typed rows (upload.py), both in the file format of columns.py. The only modules that use pandas and openpyxl; both
are imported inside functions (slow imports, and ruff bans pandas at module level).
"""
