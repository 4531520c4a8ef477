#!/usr/bin/env python3
"""Independent reference for the scraping tests: title and link count of HTML files, with Python's html.parser.
Counts <a href> and <area href> whose href is not empty, not fragment-only and not javascript:, as Invoke-Scrape does.
Prints one line per file: path<TAB>link count<TAB>title."""
import sys
from html.parser import HTMLParser


class Counter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = 0
        self.title = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "area"):
            href = dict(attrs).get("href")
            if href is not None:
                href = href.strip()
                if href and not href.startswith("#") and not href.lower().startswith("javascript:"):
                    self.links += 1
        if tag == "title" and self.title is None:
            self._in_title = True
            self.title = ""

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


for path in sys.argv[1:]:
    c = Counter()
    with open(path, encoding="utf-8") as f:
        c.feed(f.read())
    print(f"{path}\t{c.links}\t{' '.join((c.title or '').split())}")
