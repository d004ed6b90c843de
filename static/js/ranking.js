// Ranking board: tick rows, compare 2–4 of them, keep the group selector in step. No inline scripts.
(() => {
  const rowBoxes = () => [...document.querySelectorAll("input[data-row-select]")];
  const ticked = () => rowBoxes().filter((box) => box.checked).map((box) => box.value);

  function showCount() {
    const counter = document.querySelector("[data-selection-count]");
    if (!counter) return;
    const count = ticked().length;
    counter.textContent = count ? counter.dataset.template.replace("{count}", count) : "";
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches("[data-select-all]")) {
      const table = target.closest("table");
      table.querySelectorAll("input[data-row-select]").forEach((box) => { box.checked = target.checked; });
    }
    if (target.matches("[data-select-all], input[data-row-select]")) showCount();
    // A new group or rank basis shows at once; other filters wait for "Show".
    if (target.matches("[data-board-filters] select[name=group], [data-board-filters] select[name=basis]")) {
      target.form.requestSubmit();
    }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("[data-compare-form]")) return;
    const ids = [...new Set(ticked())];
    const min = Number(form.dataset.min), max = Number(form.dataset.max);
    if (ids.length < min || ids.length > max) {
      event.preventDefault();
      window.alert(form.dataset.message);
      return;
    }
    // One clean address: ?ids=1,2,3 (the ticked boxes may belong to the decision form).
    event.preventDefault();
    const url = new URL(form.action, window.location.href);
    url.searchParams.set("ids", ids.join(","));
    const basis = form.querySelector("input[name=basis]");
    if (basis) url.searchParams.set("basis", basis.value);
    window.location.assign(url.toString());
  });

  document.addEventListener("DOMContentLoaded", showCount);
})();
