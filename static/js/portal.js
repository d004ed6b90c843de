// Small behaviours shared by every page.
// htmx sends the CSRF token from the cookie at the moment of sending: after logging in again in another tab
// (which rotates the token) a "save again" still goes through.
document.addEventListener("htmx:configRequest", (event) => {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  if (match) event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
});
// Loaded with defer; no inline scripts (strict CSP stays possible).
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
  if (field) field.setAttribute("aria-expanded", "false");
});
// The combobox says whether its list of matches is open.
document.addEventListener("htmx:afterSwap", (event) => {
  const results = event.detail.target;
  if (!results || !results.classList || !results.classList.contains("municipality-results")) return;
  const field = results.parentElement.querySelector("input[role=combobox]");
  if (field) field.setAttribute("aria-expanded", results.querySelector("[role=listbox]") ? "true" : "false");
});

// Escape closes the municipality list and returns to the field; typing again reopens it (htmx). The arrow keys move
// from the field into the list and through its options; Enter (a button) chooses one.
document.addEventListener("keydown", (event) => {
  const box = event.target.closest && event.target.closest(".position-relative");
  const results = box && box.querySelector(".municipality-results");
  const field = box && box.querySelector("input[role=combobox]");
  if (!results || !field) return;
  if (event.key === "Escape") {
    results.innerHTML = "";
    field.setAttribute("aria-expanded", "false");
    field.focus();
    return;
  }
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const options = [...results.querySelectorAll(".municipality-option")];
  if (!options.length) return;
  event.preventDefault();
  const index = options.indexOf(event.target);
  if (index === -1) {
    options[event.key === "ArrowDown" ? 0 : options.length - 1].focus();
  } else if (event.key === "ArrowUp" && index === 0) {
    field.focus();
  } else {
    options[Math.min(options.length - 1, Math.max(0, index + (event.key === "ArrowDown" ? 1 : -1)))].focus();
  }
});

// ---- Application form: autosave state per field and per page ------------------------------------------------
function updateProgressBars(root) {
  (root || document).querySelectorAll(".progress-bar[data-percent], .bar-fill[data-percent]").forEach((bar) => {
    bar.style.width = `${bar.dataset.percent}%`;
  });
  // Marks on a bar (the feedback report's median and best of the size class).
  (root || document).querySelectorAll(".bar-marker[data-left]").forEach((mark) => {
    mark.style.left = `${mark.dataset.left}%`;
  });
}

function pageStatus() {
  const status = document.getElementById("page-status");
  if (!status) return;
  const states = [...document.querySelectorAll(".field-status")].map((element) =>
    element.classList.contains("htmx-request") ? "saving" : element.dataset.state,
  );
  const text = status.dataset;
  if (states.includes("saving")) {
    status.dataset.state = "saving";
    status.textContent = text.saving || status.textContent;
  } else if (states.some((state) => ["invalid", "conflict", "failed"].includes(state))) {
    status.dataset.state = "problem";
    status.textContent = text.problem || status.textContent;
  } else {
    status.dataset.state = "saved";
    status.textContent = text.saved || status.textContent;
  }
}

function statusFor(form) {
  const selector = form.getAttribute("hx-indicator");
  return selector ? document.querySelector(selector) : null;
}

function markFailed(form, message) {
  const status = statusFor(form);
  if (!status) return;
  status.dataset.state = "failed";
  status.classList.remove("htmx-request");
  const idle = status.querySelector(".when-idle");
  if (idle) {
    idle.textContent = message;
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "btn btn-sm btn-link p-0 ms-2";
    retry.textContent = status.closest("[data-retry-label]")?.dataset.retryLabel || document.body.dataset.retryLabel || "↻";
    retry.addEventListener("click", () => htmx.trigger(form, "change"));
    idle.appendChild(retry);
  }
  pageStatus();
}

document.addEventListener("DOMContentLoaded", () => {
  updateProgressBars();
  pageStatus();
});
document.addEventListener("htmx:beforeRequest", () => setTimeout(pageStatus));
document.addEventListener("htmx:afterSettle", (event) => {
  updateProgressBars();
  pageStatus();
});
document.addEventListener("htmx:sendError", (event) => {
  const form = event.detail.elt.closest("form.autosave");
  if (form) markFailed(form, document.body.dataset.failedText || "✗");
});
document.addEventListener("htmx:responseError", (event) => {
  const form = event.detail.elt.closest("form.autosave");
  if (!form) return;
  if (event.detail.xhr.status === 401) {
    document.getElementById("session-expired")?.classList.remove("d-none");
  }
  markFailed(form, document.body.dataset.failedText || "✗");
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const action = button.dataset.action;
  if (action === "retry-all") {
    document.getElementById("session-expired")?.classList.add("d-none");
    document.querySelectorAll(".field-status[data-state=failed]").forEach((status) => {
      const form = document.querySelector(`form[hx-indicator="#${status.id}"]`);
      if (form) htmx.trigger(form, "change");
    });
  }
  if (action === "keep-mine" || action === "take-theirs") {
    const code = button.dataset.code;
    const form = document.querySelector(`form[hx-indicator="#status-${code}"]`);
    const conflict = button.closest(".conflict");
    if (action === "take-theirs" && form && conflict) {
      const field = form.querySelector(`[name="${conflict.dataset.field}"]:not([type=radio])`);
      if (field) field.value = conflict.dataset.theirs;
      form.querySelectorAll(`[type=radio][name="${conflict.dataset.field}"]`).forEach((radio) => {
        radio.checked = radio.value === conflict.dataset.theirs;
      });
      conflict.remove();
      const status = statusFor(form);
      if (status) status.dataset.state = "saved";
      pageStatus();
    }
    if (action === "keep-mine" && form) {
      conflict?.remove();
      htmx.trigger(form, "change");
    }
  }
});
// A submit button sends its form once: a double click does not submit twice (the server also refuses a replay).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("[data-submit-once]")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});

// ---- Form checks in the user's language ----------------------------------------------------------------------
// The browser's own bubbles ("Please fill out this field.") speak the browser's language; the portal shows its
// own message under the field, in the page's language, and moves focus to the first field to correct.
function validationText(field) {
  const validity = field.validity;
  const text = document.body.dataset;
  if (validity.valueMissing) {
    if (field.type === "file") return text.msgFile;
    if (field.type === "radio" || field.type === "checkbox" || field.tagName === "SELECT") return text.msgChoose;
    return text.msgRequired;
  }
  if (validity.typeMismatch && field.type === "email") return text.msgEmail;
  if (validity.badInput) return text.msgNumber;
  if (validity.rangeUnderflow) return text.msgMin.replace("{n}", field.min);
  if (validity.rangeOverflow) return text.msgMax.replace("{n}", field.max);
  if (validity.tooShort) return text.msgShort.replace("{n}", field.minLength);
  if (validity.tooLong) return text.msgLong.replace("{n}", field.maxLength);
  return field.title || text.msgFormat;
}

function clientErrorFor(field) {
  const key = field.type === "radio" ? field.name : field.id || field.name;
  return document.getElementById(`client-error-${key}`);
}

function showClientError(field) {
  let box = clientErrorFor(field);
  if (!box) {
    box = document.createElement("div");
    box.id = `client-error-${field.type === "radio" ? field.name : field.id || field.name}`;
    box.className = "invalid-feedback d-block client-error";
    const home = field.closest("fieldset, .form-check, .mb-3") || field.parentElement;
    home.appendChild(box);
  }
  box.textContent = validationText(field);
  const group = field.type === "radio" ? field.form.querySelectorAll(`[name="${field.name}"]`) : [field];
  group.forEach((member) => {
    member.setAttribute("aria-invalid", "true");
    const described = (member.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(box.id)) member.setAttribute("aria-describedby", [...described, box.id].join(" "));
  });
}

function clearClientError(field) {
  const box = clientErrorFor(field);
  if (!box || !field.checkValidity()) return;
  const group = field.type === "radio" ? field.form.querySelectorAll(`[name="${field.name}"]`) : [field];
  group.forEach((member) => {
    member.removeAttribute("aria-invalid");
    const described = (member.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== box.id);
    if (described.length) member.setAttribute("aria-describedby", described.join(" "));
    else member.removeAttribute("aria-describedby");
  });
  box.remove();
}

document.addEventListener(
  "invalid",
  (event) => {
    const field = event.target;
    event.preventDefault(); // no browser bubble
    showClientError(field);
    if (field.form && field.form.querySelector(":invalid") === field) {
      field.focus();
      setTimeout(() => field.focus()); // again once the click that sent the form has finished
    }
  },
  true,
);
["input", "change"].forEach((type) =>
  document.addEventListener(type, (event) => {
    if (event.target.matches && event.target.matches("input, select, textarea")) clearClientError(event.target);
  }),
);

// ---- Keyboard: Enter in the application form moves on, as in a spreadsheet -----------------------------------
// Enter in a field (not in a text area) goes to the next field; leaving the field saves it (its change event), so
// nothing is saved twice. The autosave forms are never sent by the browser itself (no page reload on Enter).
const AUTOSAVE_FIELDS = "form.autosave input:not([type=hidden]), form.autosave select, form.autosave textarea";

function focusNextField(field) {
  const fields = [...document.querySelectorAll(AUTOSAVE_FIELDS)].filter(
    (candidate) => !candidate.disabled && candidate.offsetParent !== null,
  );
  let index = fields.indexOf(field) + 1;
  // Past the rest of a radio group: the next stop is the next field, not the next option.
  while (field.type === "radio" && index < fields.length && fields[index].name === field.name) index += 1;
  const next = fields[index];
  if (!next) return;
  if (next.type === "radio") {
    const group = fields.filter((candidate) => candidate.form === next.form && candidate.name === next.name);
    (group.find((radio) => radio.checked) || group[0]).focus();
  } else {
    next.focus();
  }
}

document.addEventListener("submit", (event) => {
  if (event.target.matches("form.autosave")) event.preventDefault();
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
  const field = event.target;
  if (!field.matches || !field.matches(AUTOSAVE_FIELDS) || field.tagName === "TEXTAREA") return;
  event.preventDefault();
  focusNextField(field);
});

// ---- Embedded documents do not take the focus --------------------------------------------------------------
// Chromium's PDF viewer takes the focus when a document in a frame (the authorisation letter beside the decision
// form) finishes loading: what the admin was typing at that moment went into the frame and was lost. The focus goes
// back where it was, unless the user moved it into the frame (the pointer over it, or Tab).
let focusedBefore = null;
let tabbedAt = 0;
document.addEventListener("focusin", (event) => {
  if (event.target.tagName !== "IFRAME") focusedBefore = event.target;
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Tab") tabbedAt = Date.now();
});
document.querySelectorAll("iframe.letter-preview").forEach((frame) => {
  window.addEventListener("blur", () => {
    setTimeout(() => {
      const byUser = frame.matches(":hover") || Date.now() - tabbedAt < 500;
      if (document.activeElement === frame && !byUser && focusedBefore && focusedBefore.isConnected) {
        focusedBefore.focus();
      }
    });
  });
});
