"""The dashboard: a page with its script and plotly.js (from the plotly package), served
without a token; the page reads the reporting API with the user's bearer token."""

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

router = APIRouter(include_in_schema=False)
HERE = resources.files("services.reporting") / "dashboard"


def _plotly() -> Path:
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/dashboard")


@router.get("/dashboard")
async def page() -> HTMLResponse:
    return HTMLResponse(HERE.joinpath("index.html").read_text("utf-8"))


@router.get("/dashboard/app.js")
async def script() -> FileResponse:
    return FileResponse(str(HERE.joinpath("app.js")), media_type="text/javascript")


@router.get("/dashboard/plotly.min.js")
async def plotly() -> FileResponse:
    return FileResponse(_plotly(), media_type="text/javascript")
