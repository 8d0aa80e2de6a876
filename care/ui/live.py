"""Two small browser-side helpers for field work on a phone (Streamlit components, inline JS).

Streamlit sends a text field's value to the server only when the field loses focus. On a poor
network or a phone that goes to sleep mid-sentence, that is too late: `typed_text` reports what is
being typed, a moment after the user pauses, so the server can keep it in the draft while the field
still has the focus (the field keeps its text: the rerun does not touch it).

Streamlit closes the page menu after a tap only when the browser says it is a phone; a narrow
window that does not (a tablet in desktop mode, a resized browser) keeps the menu over the page.
`close_menu_after_navigation` closes it whenever the page changed on a narrow screen.

The scripts are constants written here (no user or database text ever reaches them) and send
nothing anywhere but this app's own connection.
"""

from __future__ import annotations

import streamlit as st

# How long after the last keystroke the typed text is sent (ms): long enough not to rerun the page
# on every letter, short enough that a dropped connection loses at most a few words.
TYPED_WAIT_MS = 1200
# Streamlit's own breakpoint below which the sidebar is drawn over the page.
NARROW_PX = 768

_TYPED_JS = """
export default function(component) {
  const { setStateValue, data } = component;
  let timer = null;
  const pending = {};
  const keyOf = (el) => {
    const box = el.closest('[class*="st-key-"]');
    if (!box) return null;
    const cls = [...box.classList].find((c) => c.startsWith('st-key-'));
    return cls ? cls.slice(7) : null;
  };
  const onInput = (ev) => {
    const el = ev.target;
    const isText = el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && el.type === 'text');
    if (!isText) return;
    const key = keyOf(el);
    if (!key || !data.keys.includes(key)) return;
    pending[key] = el.value;
    clearTimeout(timer);
    timer = setTimeout(() => setStateValue('typed', { ...pending }), data.wait);
  };
  document.addEventListener('input', onInput, true);
  return () => { document.removeEventListener('input', onInput, true); clearTimeout(timer); };
}
"""

_MENU_JS = """
export default function(component) {
  const { data } = component;
  const last = window.__careLastPage;
  window.__careLastPage = data.page;
  if (last === undefined || last === data.page || window.innerWidth >= data.narrow) return;
  const bar = document.querySelector('[data-testid="stSidebar"]');
  if (!bar || bar.getAttribute('data-collapsed') !== 'false') return;
  const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button')
    || document.querySelector('[data-testid="stSidebarHeader"] button');
  if (button) button.click();
}
"""

_typed = st.components.v2.component("care_typed_text", js=_TYPED_JS)
_menu = st.components.v2.component("care_menu_closer", js=_MENU_JS)


def typed_text(key: str, fields: dict[str, str]) -> dict[str, str]:
    """What is being typed in the text fields `fields` ({value name: widget key}), by value name.

    Holds only fields typed into since the form was drawn; a field not in it has its widget value."""
    result = _typed(key=key, data={"keys": list(fields.values()), "wait": TYPED_WAIT_MS},
                    on_typed_change=lambda: None)
    typed = (getattr(result, "typed", None) or {}) if result is not None else {}
    return {name: typed[widget] for name, widget in fields.items() if isinstance(typed.get(widget), str)}


def close_menu_after_navigation(page: str) -> None:
    """Once per run, from the entrypoint: close the page menu on a narrow screen after the page changed."""
    _menu(key="care_menu_closer", data={"page": page, "narrow": NARROW_PX})
