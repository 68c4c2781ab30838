"""The review app's web side: a Starlette app on 127.0.0.1, guarded by a per-run token.

Safe on a shared machine, as Jupyter is: the URL printed (and opened) at start
carries a random token; a request without it (in the query, or in the cookie
the first page sets) is refused, so another local user or a web page in the
browser can neither read the queue nor decide. Writes are POSTs with a JSON
body and the token in a header, which no cross-site form or script can send
without CORS, and the app answers no CORS request. The Host header must name
the loopback (no DNS rebinding). Nothing on the page comes from the network
(Content-Security-Policy: 'self' only).
"""
from __future__ import annotations

import hmac
import secrets
import urllib.parse
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ecopark import crops
from ecopark.schemas import flags as flagcodes

from . import context, source_view
from .queue import DecisionError, Filter, ReviewQueue

HERE = Path(__file__).resolve().parent
TOKEN_HEADER = "X-Ecopark-Token"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}
HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
                                "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
REFUSED = ("This review app opens only from the link `ecopark review` printed when it started "
           "(it carries a token). Copy that link into the browser.")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Guard(BaseHTTPMiddleware):
    """Loopback Host, the run's token, POST only with the token header; no CORS, ever."""

    def __init__(self, app, token: str, cookie: str):
        super().__init__(app)
        self.token, self.cookie = token, cookie

    def _same(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    async def dispatch(self, request: Request, call_next):
        if _hostname(request.headers.get("host") or "") not in LOOPBACK:
            return self._secure(PlainTextResponse("only 127.0.0.1 may be used to reach this app", 403))
        if request.method not in ("GET", "HEAD", "POST"):
            return self._secure(PlainTextResponse("method not allowed", 405))
        if request.method == "POST":
            if not self._same(request.headers.get(TOKEN_HEADER)):
                return self._secure(PlainTextResponse(REFUSED, 403))
            if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
                return self._secure(PlainTextResponse("decisions are sent as JSON", 415))
            return self._secure(await call_next(request))
        from_query = self._same(request.query_params.get("token"))
        if not (from_query or self._same(request.cookies.get(self.cookie))):
            return self._secure(PlainTextResponse(REFUSED, 403))
        response = await call_next(request)
        if from_query:
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
        return self._secure(response)

    @staticmethod
    def _secure(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers[name] = value
        return response


def _hostname(host: str) -> str:
    """"127.0.0.1:8750" -> "127.0.0.1", "[::1]:8750" -> "[::1]"."""
    return host.split("]")[0] + "]" if host.startswith("[") else host.rsplit(":", 1)[0]


def _status(record) -> str:
    if record.needs_review:
        return "left"
    return record.decision or "reviewed"


def _value_shown(record) -> str:
    if record.value is not None:
        return f"{record.value:.12g}"
    return record.value_text or ""


def _summary(record) -> dict:
    return {"key": record.record_key, "status": _status(record), "decision": record.decision,
            "value": _value_shown(record), "flags": flagcodes.join(record.flags) if record.flags else ""}


def create_app(queue: ReviewQueue, token: str, port: int = 0) -> Starlette:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.globals.update(status=_status, value_shown=_value_shown, flag_meaning=lambda c: flagcodes.FLAGS[c].meaning,
                       flag_forces=lambda c: flagcodes.FLAGS[c].forces_review,
                       joined_flags=lambda r: flagcodes.join(r.flags).split(";") if r.flags else [])
    def item_context(record) -> dict:
        return {"r": record,
                "others": context.indicator_rows(record, queue.records),
                "formulas": context.formula_uses(record, queue.records),
                "table": context.surrounding_rows(record, queue.records),
                "has_crop": crops.renderable(record),
                "has_source": source_view.available(record, queue.sources),
                "q": urllib.parse.quote}

    def index(request: Request):
        queue.refresh()
        filt = Filter.of(request.query_params)
        items = queue.items(filt)
        key = request.query_params.get("key") or next((r.record_key for r in items if r.needs_review),
                                                      items[0].record_key if items else "")
        current = queue.by_key.get(key) if key else None
        page = {"request": request, "token": token, "filt": filt, "items": items, "counts": queue.counts(filt),
                "all_counts": queue.counts(), "options": queue.options(), "current": current,
                "out_dir": str(queue.out_dir)}
        if current is not None:
            page |= item_context(current)
        return templates.TemplateResponse(request, "index.html", page)

    def _record(request: Request):
        try:
            return queue.get(request.query_params.get("key", ""))
        except DecisionError as e:
            return PlainTextResponse(str(e), 404)

    def item(request: Request):
        record = _record(request)
        if isinstance(record, Response):
            return record
        return templates.TemplateResponse(request, "item.html", {"request": request} | item_context(record))

    def crop(request: Request):
        record = _record(request)
        if isinstance(record, Response):
            return record
        path = source_view.crop_image(record, queue.out_dir, queue.sources)
        return FileResponse(path, media_type="image/png") if path else PlainTextResponse(
            "no image of this row: the source file is not where it was read from", 404)

    def page_image(request: Request):
        record = _record(request)
        if isinstance(record, Response):
            return record
        found = source_view.page_image(record, queue.out_dir, queue.sources)
        return FileResponse(found[0], media_type="image/png") if found else PlainTextResponse(
            "no image of this page: the source file is not where it was read from", 404)

    def source(request: Request):
        record = _record(request)
        if isinstance(record, Response):
            return record
        view = source_view.view(record, queue.out_dir, queue.sources, queue.records)
        return templates.TemplateResponse(request, "source.html", {"request": request, "r": record, "view": view,
                                                                   "q": urllib.parse.quote})

    async def _body(request: Request) -> dict:
        try:
            body = await request.json()
        except ValueError:
            raise DecisionError("the request body is not JSON") from None
        if not isinstance(body, dict):
            raise DecisionError("the request body must be a JSON object")
        return body

    def _answer(message: str, records) -> JSONResponse:
        if queue.warning:
            message += f" · {queue.warning}"
        return JSONResponse({"ok": True, "message": message, "counts": queue.counts(),
                             "items": [_summary(r) for r in records]})

    def _refused(e: DecisionError) -> JSONResponse:
        return JSONResponse({"ok": False, "error": str(e)}, 400)

    async def decide(request: Request):
        try:
            body = await _body(request)
            record = await _threaded(queue.decide, str(body.get("key", "")), str(body.get("action", "")),
                                     str(body.get("value", "") or ""), str(body.get("note", "") or ""))
        except DecisionError as e:
            return _refused(e)
        return _answer(f"{record.indicator_id or record.name_raw}: {_status(record)}", [record])

    async def bulk(request: Request):
        try:
            body = await _body(request)
            filt = Filter.of(body.get("filter") or {})
            done, skipped = await _threaded(queue.bulk, filt, str(body.get("action", "")))
        except DecisionError as e:
            return _refused(e)
        note = f"; {skipped} without a suggested value left as they were" if skipped else ""
        return _answer(f"{done} values decided{note}", [])

    async def undo(request: Request):
        try:
            await _body(request)
            keys = await _threaded(queue.undo)
        except DecisionError as e:
            return _refused(e)
        return _answer(f"undone: {len(keys)} decision{'s' if len(keys) != 1 else ''}",
                       [queue.by_key[k] for k in keys])

    routes = [
        Route("/", index),
        Route("/item", item),
        Route("/crop", crop),
        Route("/page", page_image),
        Route("/source", source),
        Route("/api/decide", decide, methods=["POST"]),
        Route("/api/bulk", bulk, methods=["POST"]),
        Route("/api/undo", undo, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    cookie = f"ecopark_review_{port}"
    return Starlette(routes=routes, middleware=[Middleware(Guard, token=token, cookie=cookie)])


async def _threaded(fn, *args):
    """Decisions write files: off the event loop."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)
