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
