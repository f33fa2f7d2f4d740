// Officer field app: progressive enhancement only (every page works without this file).
// - keeps unsent form input in localStorage per form (data-draft-key) until the server has it;
// - shows "offline — not sent yet" when the phone is offline or a request fails;
// - fills latitude/longitude from the phone's position (buttons with data-geolocate);
// - shows the trafficking screening only for the roles that need it.
(function () {
  "use strict";

  var PREFIX = "ri-draft:";
  var SKIP = { csrfmiddlewaretoken: true, action: true };

  function text(name) {
    var el = document.getElementById("field-messages");
    return (el && el.dataset[name]) || "";
  }

  // --- offline notice ------------------------------------------------------------------------
  var notice = null;
  function offlineNotice() {
    if (!notice) {
      notice = document.createElement("div");
      notice.id = "offline-notice";
      notice.className = "offline-notice";
      notice.setAttribute("role", "status");
      notice.hidden = true;
      notice.textContent = text("offline");
      var main = document.getElementById("main") || document.body;
      main.insertBefore(notice, main.firstChild);
    }
    return notice;
  }
  function setOffline(isOffline) {
    offlineNotice().hidden = !isOffline;
    document.documentElement.classList.toggle("is-offline", isOffline);
  }

  // --- drafts in localStorage ----------------------------------------------------------------
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function readDraft(key) {
    var s = storage();
    if (!s) { return null; }
    try { return JSON.parse(s.getItem(PREFIX + key) || "null"); } catch (e) { return null; }
  }
  function clearDraft(key) {
    var s = storage();
    if (s && key) { s.removeItem(PREFIX + key); }
  }
  function formValues(form) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.disabled || el.type === "button" || el.type === "submit") { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      values.push([el.name, el.value]);
    });
    return values;
  }
  function saveDraft(form) {
    var s = storage();
    var key = form.dataset.draftKey;
    if (!s || !key) { return; }
    try {
      s.setItem(PREFIX + key, JSON.stringify({ savedAt: Date.now(), values: formValues(form) }));
    } catch (e) { /* storage full or disabled: the server copy is all there is */ }
  }
  function formIsEmpty(form) {
    return formValues(form).every(function (pair) {
      var el = form.elements[pair[0]];
      return !pair[1] || (el && el.type === "radio") || (el && el.tagName === "SELECT" && !pair[1]);
    });
  }
  function restoreDraft(form) {
    var key = form.dataset.draftKey;
    if (!key || form.hasAttribute("data-draft-bound")) { return false; }
    var draft = readDraft(key);
    if (!draft || !draft.values) { return false; }
    var serverTime = Date.parse(form.dataset.serverUpdated || "");
    if (!isNaN(serverTime) && draft.savedAt <= serverTime && !formIsEmpty(form)) {
      clearDraft(key);  // the server copy is newer
      return false;
    }
    var byName = {};
    draft.values.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Object.keys(byName).forEach(function (name) {
      var field = form.elements[name];
      if (!field) { return; }
      var list = field.length !== undefined && !field.tagName ? Array.prototype.slice.call(field) : [field];
      list.forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = byName[name].indexOf(el.value) !== -1;
        } else {
          el.value = byName[name][0];
        }
      });
    });
    // checkboxes absent from the draft were unticked by the officer
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (el) {
      if (el.name && !byName[el.name]) { el.checked = false; }
    });
    var note = document.createElement("p");
    note.className = "restored";
    note.setAttribute("role", "status");
    note.textContent = text("restored");
    form.insertBefore(note, form.firstChild);
    return true;
  }

  // --- screening shown for workers and residents -------------------------------------------
  function updateScreening(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-screening]"), function (fieldset) {
      var form = fieldset.closest("form");
      var role = form && form.elements.role;
      if (!role) { return; }
      var roles = (fieldset.dataset.screeningRoles || "").split(" ");
      var answered = fieldset.querySelector("input[value=yes]:checked");
      fieldset.hidden = roles.indexOf(role.value) === -1 && !answered;
    });
  }

  // --- position from the phone ---------------------------------------------------------------
  function setupGeolocation(root) {
    if (!("geolocation" in navigator)) { return; }
    Array.prototype.forEach.call(root.querySelectorAll("[data-geolocate]"), function (button) {
      button.hidden = false;
    });
  }
  function locate(button) {
    var status = document.getElementById(button.dataset.status);
    var lat = document.getElementById(button.dataset.lat);
    var lon = document.getElementById(button.dataset.lon);
    if (status) { status.textContent = text("locating"); }
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lon.value = pos.coords.longitude.toFixed(6);
      if (status) { status.textContent = text("located"); }
      lon.dispatchEvent(new Event("change", { bubbles: true }));
    }, function () {
      if (status) { status.textContent = text("locateFailed"); }
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  // --- wiring ---------------------------------------------------------------------------------
  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-drafts-saved]"), function (el) {
      (el.dataset.draftsSaved || "").split(" ").forEach(clearDraft);
    });
    var forms = root.matches && root.matches("form[data-draft-key]") ? [root] : [];
    forms = forms.concat(Array.prototype.slice.call(root.querySelectorAll("form[data-draft-key]")));
    forms.forEach(function (form) {
      if (form.hasAttribute("data-draft-bound")) {
        saveDraft(form);  // what the server sent back is what the officer typed: keep it until sent
      } else if (restoreDraft(form) && form.hasAttribute("hx-post") && window.htmx) {
        window.htmx.trigger(form, "autosave");
      }
    });
    updateScreening(root.querySelectorAll ? root : document);
    setupGeolocation(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setOffline(!navigator.onLine);
    init(document);
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt && event.detail.elt !== document.body) { init(event.detail.elt); }
  });

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.dataset.draftKey) { saveDraft(form); }
  });
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.dataset.draftKey) { saveDraft(form); }
    if (event.target.name === "role" || event.target.type === "radio") { updateScreening(document); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-geolocate]");
    if (button) { locate(button); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.draftKey) { return; }
    saveDraft(form);
    if (!navigator.onLine) {
      event.preventDefault();  // nothing is lost: the input stays on the phone until the network is back
      setOffline(true);
    }
  });

  window.addEventListener("offline", function () { setOffline(true); });
  window.addEventListener("online", function () {
    setOffline(false);
    if (!window.htmx) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-key][hx-post]"), function (form) {
      if (readDraft(form.dataset.draftKey)) { window.htmx.trigger(form, "autosave"); }
    });
  });

  document.addEventListener("htmx:sendError", function () {
    setOffline(true);
    var status = document.getElementById("autosave-status");
    if (status && status.textContent === text("saving")) { status.textContent = text("offline"); }
  });
  document.addEventListener("htmx:responseError", function () { setOffline(true); });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.matches && elt.matches("form[hx-post][data-draft-key]")) {
      var status = document.getElementById("autosave-status");
      if (status) { status.textContent = text("saving"); }
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) { return; }
    setOffline(false);
    var elt = event.detail.elt;
    var xhr = event.detail.xhr;
    if (elt && elt.matches && elt.matches("form[hx-post][data-draft-key]") && xhr &&
        xhr.responseText.indexOf('data-autosave="ok"') !== -1) {
      clearDraft(elt.dataset.draftKey);  // the server has it now
    }
  });
})();
