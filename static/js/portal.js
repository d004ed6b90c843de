// Small behaviours shared by every page. Loaded with defer; no inline scripts (strict CSP stays possible).
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (target) target.setAttribute("aria-invalid", "true");
});

// Municipality picker: choosing an option fills the visible field and the hidden code, then closes the list.
document.addEventListener("click", (event) => {
  const option = event.target.closest(".municipality-option");
  if (!option) return;
  const results = option.closest(".municipality-results");
  const field = results && results.parentElement.querySelector("input[role=combobox]");
  const code = results && results.parentElement.querySelector("input[name$=municipality_code]");
  if (field) { field.value = option.dataset.label; field.focus(); }
  if (code) code.value = option.dataset.code;
  results.innerHTML = "";
});

// Escape closes the municipality list; typing again reopens it (htmx).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const box = event.target.closest(".position-relative");
  const results = box && box.querySelector(".municipality-results");
  if (results) results.innerHTML = "";
});
