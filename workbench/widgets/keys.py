"""Keyboard help for a screen, in the browser: :class:`Keys` puts the cursor in the screen's first
field when it appears (never taking it from a field the person already typed in) and makes Enter press
the screen's main button where a person expects it, carrying the values the browser shows."""

from __future__ import annotations

import itertools
from typing import Callable

import anywidget
import ipywidgets as w
import traitlets

_KEYS_ESM = """
// Where the person last acted (Enter, Space on a button, a click outside a field) and last chose
// a field (typed, or put the cursor in one): a screen that appears after the person started
// typing elsewhere leaves the cursor where it is (a fast typist, a slow page).
const attention = globalThis.__wbAttention ??= (() => {
  const state = { actedAt: 0, chosenAt: -1, moving: false };
  const editable = (t) => !!(t && t.matches &&
    t.matches("input:not([type=button]):not([type=submit]):not([type=radio]):not([type=checkbox]), textarea, select"));
  const now = () => performance.now();
  document.addEventListener("pointerdown", (e) => { if (!editable(e.target)) state.actedAt = now(); }, true);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || (e.key === " " && !editable(e.target))) state.actedAt = now();
  }, true);
  document.addEventListener("focusin", (e) => { if (!state.moving && editable(e.target)) state.chosenAt = now(); }, true);
  document.addEventListener("input", () => { state.chosenAt = now(); }, true);
  state.busy = () => state.chosenAt > state.actedAt;
  state.focus = (target) => { state.moving = true; try { target.focus(); } finally { state.moving = false; } };
  return state;
})();

function render({ model, el }) {
  el.style.display = "none";
  const labelGroups = () => {
    document.querySelectorAll(".widget-radio.wb-labelled").forEach((box) => {
      const group = box.querySelector(".widget-radio-box");
      const label = box.querySelector("label.widget-label");
      if (group && label && !group.getAttribute("role")) {
        group.setAttribute("role", "radiogroup");
        group.setAttribute("aria-label", label.textContent);
      }
    });
  };
  let timer = null;
  const focusNow = () => {
    const cls = model.get("target");
    if (timer) clearTimeout(timer);
    if (!cls) return;
    const started = performance.now();
    const tick = () => {
      labelGroups();
      const host = document.querySelector("." + cls);
      let target = null;
      if (host) {
        target = host.matches("input, textarea, select, button, [tabindex]") ? host :
          host.querySelector("input:checked, input:not([type=hidden]):not([disabled]), textarea, select, " +
                             "button:not([disabled]), [tabindex='0']");
      }
      if (attention.busy()) { timer = null; return; }
      if (target && target.offsetParent !== null) { attention.focus(target); timer = null; return; }
      if (performance.now() - started < 8000) timer = setTimeout(tick, 40);
    };
    tick();
  };
  const shown = (host) => {
    const radio = host.querySelector("input[type=radio]");
    if (radio) {
      const checked = host.querySelector("input:checked");
      return { value: null, text: checked && checked.parentElement ? checked.parentElement.textContent.trim() : null };
    }
    const input = host.matches("input, textarea") ? host : host.querySelector("input, textarea");
    return { value: input && typeof input.value === "string" ? input.value : null, text: null };
  };
  const onKey = (e) => {
    if (e.key !== "Enter" || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
    const t = e.target;
    if (!t || !t.closest || t.tagName === "TEXTAREA" || t.tagName === "BUTTON" || t.closest(".wb-rtable")) return;
    for (const scope of model.get("enter_map")) {
      if (!t.closest("." + scope)) continue;
      e.preventDefault();
      e.stopPropagation();
      // The form's values go with the Enter as the browser shows them: a value typed a moment ago
      // may still wait in ipywidgets' queue, while a message like this one is sent at once.
      const values = {};
      for (const cls of model.get("fields")) {
        const host = document.querySelector("." + cls);
        if (host) values[cls] = shown(host);
      }
      const host = t.closest(".jupyter-widgets");
      const field = host ? [...host.classList].find((c) => /^wb-k[0-9]+$/.test(c)) : undefined;
      if (field) values[field] = shown(host);
      model.send({ event: "enter", scope: scope, values: values });
      return;
    }
  };
  document.addEventListener("keydown", onKey, true);
  model.on("change:nonce", focusNow);
  model.on("change:target", focusNow);
  focusNow();
  return () => { document.removeEventListener("keydown", onKey, true); if (timer) clearTimeout(timer); };
}
export default { render };
"""

_marks = itertools.count(1)


def mark(widget: w.Widget) -> str:
    """A class naming ``widget`` alone in the page (for :class:`Keys`)."""
    cls = getattr(widget, "_wb_mark", None)
    if cls is None:
        cls = f"wb-k{next(_marks)}"
        widget.add_class(cls)
        widget._wb_mark = cls
    return cls


class Keys(anywidget.AnyWidget):
    """Keyboard help for one screen (an invisible widget placed in it).

    ``Keys(focus=widget)`` puts the cursor in ``widget`` (its input, or the
    button itself) each time the screen appears and on :meth:`focus_on`;
    :meth:`enter` makes Enter in a field inside ``scope`` run an action (press
    a button), never in a text area, a button or a list, which keep their own
    Enter. The values the browser shows in the fields given to :meth:`enter`
    travel with the Enter, so a fast typist's last keystrokes are never left
    out; a screen that appears after the person started typing elsewhere
    leaves the cursor there. Works the same in Voila and JupyterLab: it is
    plain DOM in the page.
    """

    _esm = _KEYS_ESM
    target = traitlets.Unicode("").tag(sync=True)     # class of the widget to focus
    nonce = traitlets.Int(0).tag(sync=True)
    enter_map = traitlets.List().tag(sync=True)       # classes of the scopes where Enter acts
    fields = traitlets.List().tag(sync=True)          # classes of the fields whose shown values go with an Enter

    def __init__(self, focus: w.Widget | None = None, **kwargs):
        # given to the constructor: a layout set afterwards would leave the default one open (and in
        # the kernel's memory) for the page's life, one per screen shown
        kwargs.setdefault("layout", w.Layout(width="0px", height="0px", margin="0"))
        super().__init__(**kwargs)
        self._actions: dict[str, Callable[[], None]] = {}
        self._fields: dict[str, w.Widget] = {}
        self.on_msg(self._message)
        if focus is not None:
            self.target = mark(focus)

    def focus_on(self, widget: w.Widget) -> None:
        """Put the cursor in ``widget`` now (and whenever the screen appears again)."""
        self.target = mark(widget)
        self.nonce += 1

    def enter(self, scope: w.Widget, action: w.Button | Callable[[], None], *fields: w.Widget) -> None:
        """Enter in a field inside ``scope`` runs ``action`` (a button is pressed, unless disabled);
        ``fields`` (text fields, radio buttons) take the value the browser shows first."""
        if isinstance(action, w.Button):
            button_ = action

            def action():
                if not button_.disabled:
                    button_.click()
        key = mark(scope)
        self._actions[key] = action
        for field in fields:
            self._fields[mark(field)] = field
        if key not in self.enter_map:
            self.enter_map = [*self.enter_map, key]
        self.fields = list(self._fields)

    def press_enter(self, scope: w.Widget, field: w.Widget | None = None, value: str | None = None, *,
                    shown: dict[w.Widget, str] | None = None) -> None:
        """What Enter in ``field`` (showing ``value``) inside ``scope`` does, as the browser reports it;
        ``shown`` holds what the browser shows in the other fields of the form."""
        values = {}
        for widget, text in [*(shown or {}).items(), *([(field, value)] if field is not None else [])]:
            radio = isinstance(widget, w.RadioButtons)
            values[mark(widget)] = {"value": None if radio else text, "text": text if radio else None}
        self._message(self, {"event": "enter", "scope": mark(scope), "values": values}, [])

    def _message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or content.get("event") != "enter":
            return
        values = content.get("values")
        for key, shown in (values.items() if isinstance(values, dict) else ()):
            field = self._fields.get(key)
            if not isinstance(shown, dict):
                continue
            value, text = shown.get("value"), shown.get("text")
            if isinstance(field, (w.Text, w.Password)) and isinstance(value, str):
                field.value = value
            elif isinstance(field, w.RadioButtons) and isinstance(text, str):
                for label, option in zip(field._options_labels, field._options_values):
                    if label.strip() == text:
                        field.value = option
        action = self._actions.get(content.get("scope"))
        if action is not None:
            action()
