"""Hostile strings and an HTML checker shared by the hardening tests.

`check_page` parses a rendered page with the standard library's HTML parser (the way a browser tokenises it) and
fails if anything in it could only have come from the article data: a tag the renderer never writes, an event
handler or inline style attribute, a script/data URL, or extra <script>/<style> elements.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

# <script> payloads set window.__pwned so a browser test can tell that one ran
SCRIPT_PAYLOADS = [
    "<script>window.__pwned=1;alert('xss')</script>",
    "<img src=x onerror=\"window.__pwned=1;alert('img')\">",
    "<svg onload=\"window.__pwned=1;alert('svg')\"><circle r=5></circle></svg>",
    "<svg><script>window.__pwned=1</script></svg>",
    "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
    "<iframe src=\"javascript:parent.__pwned=1\"></iframe>",
    "<a href=\"javascript:window.__pwned=1;alert('a')\">click me</a>",
    "<details open ontoggle=\"window.__pwned=1\">",
    "<body onload=\"window.__pwned=1\">",
    "<input autofocus onfocus=\"window.__pwned=1\">",
    "<object data=\"javascript:window.__pwned=1\"></object>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned=1\">",
    "<style>body{background:url(javascript:window.__pwned=1)}</style>",
    "</style><script>window.__pwned=1</script>",
    "</title><script>window.__pwned=1</script>",
    "</textarea><script>window.__pwned=1</script>",
    "</mark></span></p></div><script>window.__pwned=1</script>",
    "\"><script>window.__pwned=1</script>",
    "'><img src=x onerror=window.__pwned=1>",
    "\" onmouseover=\"window.__pwned=1\" autofocus onfocus=\"window.__pwned=1\" x=\"",
    "' onmouseover='window.__pwned=1' x='",
    "<base href=\"javascript:window.__pwned=1//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned=1\">",
    "<link rel=stylesheet href=\"data:text/css,*{color:red}\">",
    "<!--<script>window.__pwned=1</script>-->",
    "<![CDATA[<script>window.__pwned=1</script>]]>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "<zq-evil data-x=1>custom element</zq-evil>",
    "{{7*7}} ${7*7} {% raw %} <%= 7*7 %>",
    "<template><script>window.__pwned=1</script></template>",
]
HOSTILE_URLS = [
    "javascript:window.__pwned=1",
    " JaVaScRiPt:window.__pwned=1",
    "java\tscript:window.__pwned=1",
    "data:text/html,<script>window.__pwned=1</script>",
    "vbscript:msgbox(1)",
    "https://news.example/a\" onmouseover=\"window.__pwned=1",
    "https://news.example/<script>window.__pwned=1</script>",
    "//evil.example/x",
]
# characters that break naive offset arithmetic, line splitting or escaping
AWKWARD = ["\r\n", "\r", "\n\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\t", "\x00", "\x1b[31m", "\u200b",
           "\u200d", "\ufeff", "\u00ad", "\u202e", "\u2066", "e\u0301\u0327", "\U0001F600", "\U0001F468\u200d\U0001F469"
           "\u200d\U0001F467", "\U0001F1FA\U0001F1F8", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
           "\ufffd", "&amp;", "&#0;", "\\", "\"", "'", "`", "<", ">", "&"]
# phrases the small test model flags, so random texts get real spans next to the awkward characters
FLAGGED = ["Critics called the plan a disastrous, outrageous betrayal of the town.",
           "Every true patriot must stand with our great nation against this plan.",
           "Can anyone really believe the minister's promises after so many failures?",
           "The council met on Tuesday to discuss the budget for the harbour district."]

RENDERER_TAGS = frozenset("""
    html head meta title style script body a header footer main article section aside nav h1 h2 h3 h4 h5 h6 p span
    div ul ol li table thead tbody tfoot tr th td mark button details summary q br small strong em b i sup sub code
    abbr dl dt dd figure figcaption caption
""".split())
# the web app's templates add forms and same-origin stylesheets/scripts
WEB_PAGE_TAGS = RENDERER_TAGS | frozenset(
    "form input textarea select option optgroup label fieldset legend link".split())
FORBIDDEN_ATTRIBUTES = re.compile(r"^(on.*|style|srcdoc|formaction|xlink:href|background|dynsrc|lowsrc)$")
URL_ATTRIBUTES = frozenset({"href", "src", "action", "data", "poster", "cite"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.raw_text: dict[str, list[str]] = {"script": [], "style": []}
        self.script_attrs: list[dict[str, str | None]] = []
        self._inside: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == "script":
            self.script_attrs.append(dict(attrs))
        if tag in self.raw_text:
            self._inside = tag
            self.raw_text[tag].append("")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data):
        if self._inside:
            self.raw_text[self._inside][-1] += data


def url_scheme(value: str) -> str:
    """The scheme a browser would see: it drops ASCII whitespace/control characters before parsing."""
    cleaned = "".join(ch for ch in value if ord(ch) > 0x20 and ch != "\x7f").lower()
    match = _SCHEME.match(cleaned)
    return match.group(1) if match else ""


def check_page(page: str, scripts: list[str] | None = None, styles: int | None = None, web: bool = False) -> None:
    """Fail if `page` holds markup that can only have come from the data (see module doc).

    scripts: the exact contents every inline <script> element must have, in order (None: none allowed).
    styles: how many <style> elements there must be (None: none allowed; web pages: at most one).
    web: a page of the web app: its templates' form elements and same-origin <link>/<script src> are allowed, and
        <script type="application/json"> data blocks, which must parse as JSON and cannot close their element.
    """
    collector = _Collector()
    collector.feed(page)
    collector.close()
    allowed = WEB_PAGE_TAGS if web else RENDERER_TAGS
    for tag, attrs in collector.tags:
        assert tag in allowed, f"unexpected <{tag}> element in the page: {attrs}"
        for name, value in attrs:
            assert not FORBIDDEN_ATTRIBUTES.match(name), f"<{tag}> has a {name!r} attribute: {value!r}"
            if name in URL_ATTRIBUTES and value:
                scheme = url_scheme(value)
                assert scheme in ("", "http", "https", "mailto"), f"<{tag} {name}={value!r}>"
                if scheme == "":
                    assert not value.strip().startswith("//"), f"protocol-relative URL <{tag} {name}={value!r}>"
                if tag in ("link", "script"):
                    assert value.startswith("/") and not value.startswith("//"), f"<{tag} {name}={value!r}>"
        if tag == "meta":
            names = {name for name, _ in attrs}
            assert names <= {"charset", "name", "content", "http-equiv"}, attrs
            equiv = dict(attrs).get("http-equiv")
            assert equiv in (None, "Content-Security-Policy"), f"meta http-equiv={equiv!r}"
    if web:
        for attrs, content in zip(collector.script_attrs, collector.raw_text["script"]):
            if attrs.get("type") == "application/json":
                json.loads(content)
                assert "<" not in content, "a JSON data block holds a raw '<'"
            else:
                assert attrs.get("src") and not content.strip(), f"inline script in a web page: {content[:80]!r}"
        assert len(collector.raw_text["style"]) <= 1, "more than one <style> element"
        return
    assert collector.raw_text["script"] == (scripts or []), "unexpected <script> content"
    assert len(collector.raw_text["style"]) == (styles or 0), "unexpected number of <style> elements"
