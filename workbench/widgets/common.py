"""Small building blocks shared by every screen of the desk.

* :func:`stylesheet` - the desk's CSS (one ``<style>`` in an HTML widget, so it
  works the same in JupyterLab and in Voila).
* :class:`Field` - a titled input with its validation message beside it; the
  title is bold when the field is mandatory (the manual's convention).
* :class:`Runner` - runs a service call for a screen: disables the buttons,
  shows "Aguarde...", turns every :class:`workbench.WorkbenchError` into
  Portuguese text beside the field or in the status line, never a traceback.
* :class:`Dialog` - a modal-looking message with buttons (alerts, "Sair sem salvar?").
* :func:`accessible_label` makes a field's title the label a screen reader
  announces for its input (``Field`` does it). The keyboard's help (cursor,
  Enter) is :class:`workbench.widgets.keys.Keys`.

No SQL and no database here: screens receive a Workbench/Session and call it.
"""

from __future__ import annotations

import html
import logging
import time
import warnings
from typing import Callable, Iterable

import ipywidgets as w

from workbench import logs
from workbench.errors import BusyError, ValidationError, WorkbenchError
from workbench.services.formatting import is_missing
from workbench.services.text import slug

log = logging.getLogger("workbench.widgets")

BUSY_TEXT = "Aguarde..."

CSS = """
<style>
.wb-app { font-family: "Segoe UI", Roboto, Helvetica, Arial, sans-serif; font-size: 13px;
          max-width: 1100px; color: #1f2933; }
.wb-header { background: #1f4e79; color: #fff; padding: 6px 12px; border-radius: 4px 4px 0 0;
             align-items: center; }
.wb-header .widget-html-content { color: #fff; }
.wb-screen { border: 1px solid #c8d1dc; border-top: none; padding: 12px 16px; background: #f7f9fb;
             border-radius: 0 0 4px 4px; min-height: 420px; }
.wb-title .widget-html-content { font-size: 17px; font-weight: 600; color: #1f4e79; }
.wb-field-label .widget-html-content { color: #3e4c59; line-height: 1.3; }
.wb-required .widget-html-content { font-weight: 700; color: #1f2933; }
.wb-error .widget-html-content { color: #b3261e; font-size: 12px; }
.wb-status .widget-html-content { color: #3e4c59; line-height: 1.4; }
.wb-status { width: 100%; }
.wb-status .widget-html { width: 100%; }
.wb-status-error .widget-html-content { color: #b3261e; font-weight: 600; }
.wb-status-ok .widget-html-content { color: #1e6b32; font-weight: 600; }
.wb-hint .widget-html-content { color: #7b8794; font-size: 12px; }
.wb-busy .widget-html-content { color: #1f4e79; font-style: italic; }
/* "Aguarde..." appears only when an action lasts over a quarter second */
.wb-busy { opacity: 0; animation: wb-show 0s linear 0.25s forwards; }
@keyframes wb-show { to { opacity: 1; } }
.wb-dialog { border: 2px solid #1f4e79; background: #fff; padding: 14px 18px; border-radius: 6px;
             box-shadow: 0 4px 14px rgba(0,0,0,.18); margin: 24px auto; max-width: 520px; }
.wb-dialog .widget-html-content { font-size: 14px; }
.wb-card { background: #fff; border: 1px solid #d9e2ec; border-radius: 4px; padding: 8px 12px; }
.wb-readonly .widget-html-content { background: #eef2f6; padding: 2px 6px; border-radius: 3px;
             min-height: 22px; }
.wb-step .widget-html-content { color: #7b8794; font-size: 12px; }
.wb-grid { border: 1px solid #c8d1dc; }
.wb-desk-entry button { min-height: 56px; font-size: 14px; }
.wb-explanation .widget-html-content { background: #fffbe6; border-left: 3px solid #e0b400;
             padding: 4px 8px; }
/* a field's title is shown above its input; the input's own <label> stays for screen readers only */
.wb-labelled > label.widget-label { position: absolute !important; width: 1px !important; height: 1px;
             margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.wb-lookup { align-items: center; }
.wb-lookup input { min-width: 260px; }
.wb-conflict { background: #fdecea; border: 1px solid #b3261e; border-radius: 4px; padding: 6px 10px;
             align-items: center; }
.wb-conflict .widget-html-content { color: #b3261e; }
/* dashboard */
.wb-help { color: #52606d; font-size: 12px; margin: 4px 0; }
.wb-stamp { color: #52606d; margin-left: 8px; }
.wb-kpi-caption { color: #52606d; font-size: 12px; line-height: 1.25; }
.wb-wall { position: fixed; inset: 0; z-index: 1000; background: #0f2a43; overflow: auto;
           max-width: none !important; padding: 10px 24px; }
.wb-wall .wb-screen { background: #0f2a43; border: none; }
.wb-wall .wb-stamp { color: #d9e2ec; font-size: 18px; }
.wb-wall .widget-label, .wb-wall label { color: #d9e2ec; }
.wb-wall .wb-kpi-caption { color: #d9e2ec; font-size: 22px; text-align: center; }
.wb-wall .wb-kpis-wall button { background: #163a5c; color: #fff; border-radius: 6px; }
.wb-wall .wb-chart { background: #fff; border-radius: 6px; }
</style>
"""


def stylesheet() -> w.HTML:
    return w.HTML(CSS, layout=w.Layout(height="0px", margin="0"))


def css(widget, *classes: str):
    for c in classes:
        widget.add_class(c)
    return widget


def esc(value) -> str:
    """``value`` as HTML text; None/NaN/NaT as nothing."""
    return "" if is_missing(value) else html.escape(str(value))


def title(text: str) -> w.HTML:
    return css(w.HTML(esc(text)), "wb-title")


def hint(text: str) -> w.HTML:
    return css(w.HTML(esc(text)), "wb-hint")


def button(description: str, *, primary: bool = False, tooltip: str | None = None,
           icon: str = "", width: str | None = None) -> w.Button:
    # no icons: Voila takes Font Awesome from a CDN, and the desk must look right offline
    b = w.Button(description=description, tooltip=tooltip or description,
                 button_style="primary" if primary else "",
                 layout=w.Layout(width=width or "auto", min_width="90px"))
    return b


def on_enter(text_widget: w.Text, callback: Callable[[], None]) -> None:
    """Call ``callback`` when Enter is pressed in a Text/Password field."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text_widget.on_submit(lambda _w: callback())


# Inputs whose ipywidgets view ties its description <label> to the input (<label for>); RadioButtons
# gets its group named by Keys in the browser (role radiogroup + aria-label).
_LABELLED = (w.Text, w.Textarea, w.Password, w.Dropdown, w.Select, w.SelectMultiple, w.IntText, w.BoundedIntText,
             w.FloatText, w.BoundedFloatText, w.Combobox, w.DatePicker, w.RadioButtons)


def _first_input(widget: w.Widget) -> w.Widget | None:
    if isinstance(widget, _LABELLED):
        return widget
    for child in getattr(widget, "children", ()):
        found = _first_input(child)
        if found is not None:
            return found
    return None


def accessible_label(widget: w.Widget, label: str) -> w.Widget | None:
    """Make ``label`` what a screen reader announces for the (first) input in ``widget``.

    The input gets ``label`` as its ipywidgets description, which its view
    renders as a ``<label for=...>`` of the input; the stylesheet keeps that
    label out of sight (the visible title is the field's own). Returns the
    input labelled, None when ``widget`` holds no input.
    """
    target = _first_input(widget)
    if target is not None:
        target.description = label
        target.add_class("wb-labelled")
    return target


class Field(w.VBox):
    """Title (bold when mandatory), the input, and its message beside it.

    The title is also the accessible label of the input (:func:`accessible_label`).
    """

    def __init__(self, label: str, widget: w.Widget, *, required: bool = False,
                 hint_text: str | None = None, width: str = "100%"):
        self.label = label
        self.widget = widget
        self.required = required
        self.input = accessible_label(widget, label)
        self.title = css(w.HTML(esc(label)), "wb-field-label")
        if required:
            self.title.add_class("wb-required")
        self.error = css(w.HTML(""), "wb-error")
        parts = [self.title, widget]
        row = [widget]
        if hint_text:
            self.hint = hint(hint_text)
            row.append(self.hint)
        parts = [self.title, w.HBox(row, layout=w.Layout(align_items="center")) if len(row) > 1 else widget,
                 self.error]
        super().__init__(parts, layout=w.Layout(width=width, margin="0 0 4px 0"))
        self.add_class("wb-field")
        self.add_class("wb-field-" + slug(label))  # a stable hook for browser tests and styling

    def set_error(self, message: str | None) -> None:
        self.error.value = esc(message) if message else ""

    @property
    def has_error(self) -> bool:
        return bool(self.error.value)


class Status(w.HBox):
    """The status line of a screen: "Aguarde...", an error, or a confirmation."""

    def __init__(self):
        self.text = css(w.HTML(""), "wb-status")
        super().__init__([self.text], layout=w.Layout(min_height="24px"))

    @property
    def value(self) -> str:
        return self.text.value

    def _set(self, message: str, kind: str | None) -> None:
        for c in ("wb-busy", "wb-status-error", "wb-status-ok"):
            self.text.remove_class(c)
        if kind:
            self.text.add_class(kind)
        self.text.value = esc(message)

    def busy(self, message: str = BUSY_TEXT):
        self._set("⏳ " + message, "wb-busy")

    def error(self, message: str):
        self._set(message, "wb-status-error")

    def ok(self, message: str):
        self._set(message, "wb-status-ok")

    def clear(self):
        self._set("", None)


class Runner:
    """Runs actions for one screen.

    ``run(fn, on_ok)`` disables ``buttons`` while ``fn`` runs, shows
    "Aguarde..." in ``status`` (the stylesheet reveals it after a quarter second), routes a ValidationError to the fields named by
    its ``errors`` (by label) and everything else to the status line. Whatever
    the user typed stays in the widgets: nothing is cleared on error.
    """

    def __init__(self, status: Status, buttons: Iterable[w.Button] = (), fields: dict[str, Field] | None = None):
        self.status = status
        self.buttons = list(buttons)
        self.fields = fields or {}
        self.running = False
        self.last_error: str | None = None

    def clear_errors(self):
        for f in self.fields.values():
            f.set_error(None)

    def run(self, fn: Callable, on_ok: Callable | None = None, *, busy: str = BUSY_TEXT,
            keep_status: bool = False) -> bool:
        if self.running:
            return False
        self.running = True
        states = [(b, b.disabled) for b in self.buttons]
        for b, _ in states:
            b.disabled = True
        self.clear_errors()
        self.last_error = None
        self.status.busy(busy)
        started = time.monotonic()
        try:
            result = fn()
        except ValidationError as exc:
            shown = False
            for label, message in (exc.errors or {}).items():
                if label in self.fields:
                    self.fields[label].set_error(message)
                    shown = True
            if exc.field in self.fields and not exc.errors:
                self.fields[exc.field].set_error(exc.message)
                shown = True
            self.last_error = exc.message
            self.status.error("Verifique os campos indicados." if shown else exc.message)
            return False
        except BusyError as exc:
            self.last_error = str(exc)
            self.status.error(f"{exc} Seus dados foram mantidos: tente novamente.")
            return False
        except WorkbenchError as exc:
            self.last_error = str(exc)
            if exc.field in self.fields:
                self.fields[exc.field].set_error(str(exc))
            self.status.error(str(exc))
            return False
        except Exception:  # never a traceback on the screen: its id, and the traceback in the server's log
            self.last_error = logs.unexpected_message(logs.unexpected("ação de uma tela"))
            self.status.error(self.last_error)
            return False
        finally:
            for b, was in states:
                b.disabled = was
            self.running = False
            log.debug("action took %.3fs", time.monotonic() - started)
        if not keep_status:
            self.status.clear()
        if on_ok is not None:
            try:
                on_ok(result)
            except WorkbenchError as exc:
                self.status.error(str(exc))
                return False
            except Exception:
                self.last_error = logs.unexpected_message(logs.unexpected("mostrando o resultado de uma ação"))
                self.status.error(self.last_error)
                return False
        return True


class Dialog(w.VBox):
    """A message box with buttons: ``Dialog(text, [("Sim", cb), ("Não", cb)])``."""

    def __init__(self, message: str, buttons: list[tuple[str, Callable[[], None]]], *, html_message: bool = False):
        self.message = w.HTML(message if html_message else esc(message))
        self.buttons = []
        for i, (label, cb) in enumerate(buttons):
            b = button(label, primary=(i == 0))
            b.on_click(lambda _b, cb=cb: cb())
            self.buttons.append(b)
        super().__init__([self.message, w.HBox(self.buttons, layout=w.Layout(justify_content="flex-end",
                                                                             margin="10px 0 0 0"))])
        self.add_class("wb-dialog")

    def press(self, label: str) -> None:
        for b in self.buttons:
            if b.description == label:
                b.click()
                return
        raise KeyError(label)


def readonly(value="") -> w.HTML:
    return css(w.HTML(esc(value)), "wb-readonly")


def kv_table(rows: list[tuple[str, object]], columns: int = 2) -> w.HTML:
    """A read-only grid of label/value pairs, as an HTML table (a new widget: see :func:`kv_html`)."""
    return w.HTML(kv_html(rows, columns))


def kv_html(rows: list[tuple[str, object]], columns: int = 2) -> str:
    """The HTML of :func:`kv_table`, for a widget that is already shown (no widget made: a widget
    made only for its text would stay open, and in the kernel's memory, for the page's life)."""
    cells = []
    for i in range(0, len(rows), columns):
        chunk = rows[i:i + columns]
        tds = "".join(
            f"<td style='color:#52606d;padding:2px 8px 2px 0;white-space:nowrap'>{esc(k)}</td>"
            f"<td style='padding:2px 18px 2px 0'><b>{esc(v)}</b></td>" for k, v in chunk)
        cells.append(f"<tr>{tds}</tr>")
    return f"<table style='border-collapse:collapse'>{''.join(cells)}</table>"
