"""HTML to plain text for hand-off reading (stdlib html.parser: tolerant, no network, no scripts).

Block elements become line breaks so sentences and forwarded header lines stay apart, and
Outlook's forwarded-header container (`<div id="divRplyFwdMsg">`) and `<hr>` become the rule line
Outlook writes in plain text, so the forward table reads both the same way.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

OUTLOOK_RULE = "________________________________"
_BLOCK = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "pre", "section", "article", "header", "footer", "hr", "td", "dd", "dt"}
_SKIP = {"script", "style", "head", "title", "xml"}
MAX_HTML = 2_000_000  # characters; beyond this, the rest is not read (hostile or generated input)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        if tag == "hr" or (tag == "div" and any(v and "divRplyFwdMsg" in v for _, v in attrs)):
            self.out.append(f"\n{OUTLOOK_RULE}\n")
        elif tag in _BLOCK:
            self.out.append("\n")
        if tag == "blockquote":
            self.quote += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if tag == "blockquote" and self.quote:
            self.quote -= 1
        if tag in _BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_to_text(markup: str) -> str:
    parser = _Text()
    try:
        parser.feed(markup[:MAX_HTML])
        parser.close()
        text = "".join(parser.out)
    except Exception:  # html.parser is lenient, but never let markup stop the analysis
        text = html.unescape(re.sub(r"<[^<>]{0,2000}>", " ", markup[:MAX_HTML]))
    text = text.replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"(?<! ) *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
