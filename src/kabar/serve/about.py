"""``/tentang``: what kabar is, where the shipped sample comes from, and whose the articles are.

The IndoSum sample that ``make run`` loads is CC BY-SA 4.0: its attribution and licence must
be where its articles are shown, so the portal says them here (linked from every page's
footer), besides examples/LICENSE-indosum-CC-BY-SA-4.0.txt beside the sample itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kabar.serve.portal import render
from kabar.serve.state import get_state

router = APIRouter(include_in_schema=False)


@router.get("/tentang", response_class=HTMLResponse)
def about_page(request: Request) -> HTMLResponse:
    state = get_state(request)
    outlets = state.outlets()
    return render(
        request,
        "tentang.html",
        title=f"Tentang {state.options.site_name}",
        description=(
            "Tentang kabar, mesin berita sumber terbuka untuk berita berbahasa Indonesia, "
            "dan asal-usul berita contohnya (IndoSum, CC BY-SA 4.0)."
        ),
        outlets=outlets,
        articles=sum(o.articles for o in outlets),
        path="/tentang",
    )
