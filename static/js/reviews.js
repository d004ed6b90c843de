// Review sheet. Loaded with defer; no inline scripts (strict CSP stays possible).

// Evidence previews load only when a reviewer opens them, so a sheet with many files stays light.
// "toggle" does not bubble: listen in the capture phase, which also covers rows swapped in by htmx.
document.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !details.matches(".evidence-preview")) return;
    details.querySelectorAll("[data-src]").forEach((element) => {
      if (!element.getAttribute("src")) element.setAttribute("src", element.dataset.src);
    });
  },
  true,
);

// After a verdict or a score is saved, htmx replaces the whole row; focus would fall back to the page. Instead it
// goes to the next item's first action, or stays in the row when the row came back asking for a correction or a
// confirmation. The last row hands focus to "Save and next".
let savedRowCode = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  const row = event.detail.elt.closest(".review-row");
  savedRowCode = row ? row.dataset.code : null;
});
document.addEventListener("htmx:afterSettle", () => {
  if (!savedRowCode) return;
  const row = document.getElementById(`row-${savedRowCode}`);
  savedRowCode = null;
  if (!row) return;
  const problem = row.querySelector("[autofocus], .is-invalid, .has-error input");
  if (problem) {
    problem.focus();
    return;
  }
  const rows = [...document.querySelectorAll(".review-row")];
  const next = rows[rows.indexOf(row) + 1];
  const target = next
    ? next.querySelector("[data-testid=verify], .rubric-form input[type=radio]:checked, .rubric-form input[type=radio]")
    : document.querySelector("[data-testid=save-and-next]");
  (target || next || row).focus();
});
