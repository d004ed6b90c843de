// Small behaviours shared by every page. Loaded with defer; no inline scripts (strict CSP stays possible).
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (target) target.setAttribute("aria-invalid", "true");
});
