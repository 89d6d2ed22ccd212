"""Whether a request for a notice's page is the clerk reading it, or the browser fetching it ahead of time.

"Opened" (first_opened_at) tells the bureau that someone of the unit has seen the notice. A browser also fetches
pages nobody looks at: `<link rel=prefetch>`, speculation rules (prefetch and prerender, Chrome also from the address
bar), a preloading extension, a script that fetches the page. Such a request must not count.

The page's GET records the opening only when it is a navigation that says nothing of prefetching, so a clerk
without JavaScript still has the opening recorded. When the GET may have been a prefetch, the page comes back with a
small htmx POST in the receipt panel (receipts/_receipt.html) that runs when the page is shown: a prefetched page
runs nothing until it is, and a prerendered one, whose requests carry `Sec-Purpose: prefetch;prerender` as well,
sends it again on `prerenderingchange`, when it becomes the page on screen. Taking a real reading for a prefetch
only delays the record to that POST (or to the receipt, which records the opening too); the other way round would
count a page nobody saw, so any doubt counts as a prefetch.
"""

from collections.abc import Mapping

# Headers by which browsers say a request is made ahead of the reader: Sec-Purpose (the standard: prefetch,
# "prefetch;prerender"), Purpose (Chrome's <link rel=prefetch>, Safari), X-Purpose (Safari's previews), X-Moz
# (older Firefox), HX-Preloaded (htmx's preload extension).
_PURPOSE_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
_AHEAD_OF_TIME = ("prefetch", "prerender", "preview")
# Sec-Fetch-Dest of a page a reader sees: a window or a frame. A fetch/XHR is "empty", a <link rel=prefetch> too.
_SHOWN_DESTINATIONS = {"document", "iframe", "frame"}


def read_by_a_person(headers: Mapping[str, str]) -> bool:
    """True when the request's headers say it is for the page on screen (or say nothing, as older browsers)."""
    for name in _PURPOSE_HEADERS:
        value = (headers.get(name) or "").lower()
        if any(word in value for word in _AHEAD_OF_TIME):
            return False
    if headers.get("HX-Preloaded"):
        return False
    destination = headers.get("Sec-Fetch-Dest")
    # An htmx request (history restore, a boosted link) is shown too, though its destination is "empty".
    if destination and destination not in _SHOWN_DESTINATIONS and not headers.get("HX-Request"):
        return False
    return True
