"""The applications API: list, start and read applications; write values, attach evidence and submit through the
same services, selectors and predicates as the HTML pages; read and answer clarification requests. One module per
resource (applications, values, evidence, receipts, clarifications; shared.py for the error format they share); the
routes are in applications/api_urls.py."""
