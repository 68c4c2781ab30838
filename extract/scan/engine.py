"""The one RapidOCR engine of the process, and the tally of what it was asked to do.

Building the engine loads the ONNX models (about a second), so it is built
once and shared. The models are the PP-OCR ones shipped inside the rapidocr
wheel (site-packages/rapidocr/models: detector, recogniser and the 0°/180°
line classifier); `model_root_dir` points there explicitly so nothing is ever
fetched at run time.

What the engine does is counted on the Document being read, not in module
globals (a worker process's globals vanish with it): `counting(doc)` makes
`doc` the tally for the calls made inside it. Counter names: `ocr_calls`
(model runs), `ocr_lines` (lines recognised), `ocr_lines_page_N` (lines
recognised on page N: a narrative page read in full would show thirty or
more, which tests use to prove that pages around a table are only probed),
`ocr_detect_<purpose>` (detector runs by purpose).
"""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

_TALLY: ContextVar = ContextVar("ocr_tally", default=None)
STEP = 32        # recogniser input widths come in steps of this many px (at 48 px high)
BATCH_MAX = 16   # lines per model run at most
MIN_WIDTH = 128  # px: shorter lines are padded to it (see `_input_width`)


@contextmanager
def counting(doc):
    """Count the engine's work inside this block on `doc` (anything with `count(name, n)`)."""
    token = _TALLY.set(doc)
    try:
        yield doc
    finally:
        _TALLY.reset(token)


def tally(name: str, amount: float = 1) -> None:
    doc = _TALLY.get()
    if doc is not None:
        doc.count(name, amount)


def threads() -> int:
    """The cores one file's OCR may use: ECOPARK_OCR_THREADS, else all (-1 lets onnxruntime choose).

    Set where several workers share a machine (one Dask worker per core, a local pool of
    several jobs): each worker then keeps to its share instead of fighting the others for
    every core. OpenCV's own thread pool (rules, deskew, resizing) is held to it as well."""
    try:
        return max(1, int(os.environ["ECOPARK_OCR_THREADS"]))
    except (KeyError, ValueError):
        return -1


def workers() -> int:
    """Lines recognised at once: one model run per core (ECOPARK_OCR_THREADS caps it).

    The recogniser's inputs are small (48 px high), and one run spread over two
    threads keeps the second one busy only part of the time (1.6x, not 2x, on two
    cores); two runs side by side, one thread each, use both cores fully: the
    recognition of a page takes about a fifth less time and CPU."""
    return threads() if threads() > 0 else max(1, os.cpu_count() or 1)


def _rapidocr(intra_threads: int):
    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    if threads() > 0:
        cv2.setNumThreads(threads())
    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.model_root_dir": str(models),
        "Global.use_cls": False,       # cells are upright once the page is; see `upside_down`
        "Rec.rec_batch_num": BATCH_MAX,  # `batches` makes the batches; rapidocr runs each whole
        "Rec.rec_img_shape": [3, 48, MIN_WIDTH],  # short lines padded to 128 px, not 320 (`_input_width`)
        # the detector only sees strips above/below a table and small renders of page 1: shrink
        # them to at most 1280 px instead of blowing a 300-px strip up to 736 px high
        # rapidocr turns the allocator arena off; with it on, recognition is about three times
        # faster here (each batch has a new width, and without the arena every run re-allocates)
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
        "Det.limit_type": "max",
        "Det.limit_side_len": 1280,
        "EngineConfig.onnxruntime.intra_op_num_threads": intra_threads,
    })


@lru_cache(maxsize=1)
def engine():
    """Detector and line classifier: one large image per run, spread over the cores (`threads`)."""
    return _rapidocr(threads())


@lru_cache(maxsize=1)
def recogniser():
    """The recogniser: one thread per run, `workers()` runs at once (an onnxruntime session
    may be run from several threads)."""
    model = _rapidocr(1 if workers() > 1 else threads())
    model._load_rec_model()  # rapidocr loads it on first use; here, before any thread runs it
    return model


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(workers(), thread_name_prefix="ocr")


def _bgr(img: np.ndarray) -> np.ndarray:
    return np.repeat(img[:, :, None], 3, axis=2) if img.ndim == 2 else img


def _bucketed(img: np.ndarray) -> np.ndarray:
    """Pad on the right with white so the recogniser's input width is a multiple of STEP px.

    onnxruntime prepares each new input shape once, which on a first page costs
    about as much as the reading itself; with widths in steps a process
    meets a few dozen widths instead of hundreds."""
    h, w = img.shape[:2]
    target = -(-48 * w // (h * STEP)) * STEP
    width = -(-target * h // 48)
    return cv2.copyMakeBorder(img, 0, 0, 0, width - w, cv2.BORDER_CONSTANT, value=255) if width > w else img


def _input_width(img: np.ndarray) -> int:
    """The width of the recogniser's input for a line image: scaled to 48 px high (as rapidocr's
    resize does), padded to MIN_WIDTH. A lone '%', '是' or '号' fed at its own 48-64 px read
    '%%', '琵', '4' on the 100-dpi TIFF; with grey padding to 128 px they read as printed (and
    on the scans of 001 fewer lines score below 0.8 than before)."""
    return max(MIN_WIDTH, int(math.ceil(48 * img.shape[1] / img.shape[0])))


def batches(widths: list[int]) -> list[list[int]]:
    """Lines (by index) to recognise together: those of one input width, at most BATCH_MAX a run.

    A model run pads every line of its batch to the widest one (with the
    normaliser's grey), and costs about lines x width. Sixteen lines in width
    order padded 100-px unit cells to 480-px labels: 40 % of the work on 001 was
    padding. Lines of equal (bucketed) width need none, and a line then reads
    the same whatever else is on the page."""
    by_width: dict[int, list[int]] = {}
    for i, w in enumerate(widths):
        by_width.setdefault(w, []).append(i)
    return [group[k:k + BATCH_MAX] for _, group in sorted(by_width.items())
            for k in range(0, len(group), BATCH_MAX)]


def recognise(lines: list[np.ndarray], page: int | None = None) -> list[tuple[str, float]]:
    """Text and score of each single-line image, in the order given."""
    if not lines:
        return []
    tally("ocr_calls")
    tally("ocr_lines", len(lines))
    tally(f"ocr_lines_page_{page}", len(lines))
    images = [_bgr(_bucketed(im)) for im in lines]
    found: list[tuple[str, float]] = [("", 0.0)] * len(images)
    widths = [_input_width(im) for im in images]
    # widest batches first, so that no run is left alone at the end while a core idles
    todo = sorted(batches(widths), key=lambda group: -len(group) * widths[group[0]])

    model = recogniser()  # built here, not by two threads at once

    def run(group: list[int]):
        return group, model.recognize_txt([images[i] for i in group])

    done = map(run, todo) if workers() == 1 or len(todo) == 1 else _pool().map(run, todo)
    for group, out in done:
        for i, t, s in zip(group, out.txts, out.scores):
            found[i] = (t, float(s))
    return found


def upside_down(lines: list[np.ndarray]) -> float:
    """Share of the given text-line images that the shipped 0°/180° classifier finds turned."""
    if not lines:
        return 0.0
    tally("ocr_calls")
    out = engine()._load_cls_model()([_bgr(im) for im in lines])
    votes = [label == "180" and score > 0.8 for label, score in out.cls_res]
    return sum(votes) / len(votes)


def detect(img: np.ndarray, purpose: str) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, top, x1, bottom) of the text lines the detector finds in `img`, top to bottom."""
    tally("ocr_calls")
    tally(f"ocr_detect_{purpose}")
    res = engine()(_bgr(img), use_cls=False, use_rec=False, use_det=True)
    if getattr(res, "boxes", None) is None or not len(res.boxes):
        return []
    boxes = [(int(b[:, 0].min()), int(b[:, 1].min()), int(b[:, 0].max()) + 1, int(b[:, 1].max()) + 1)
             for b in res.boxes]
    return sorted(boxes, key=lambda b: (b[1] // 10, b[0]))


def detect_and_read(img: np.ndarray, purpose: str, page: int, keep=None) -> list[tuple[tuple[int, int, int, int], str, float]]:
    """Every text line found in `img` (or those `keep(boxes)` selects): box in img pixels, text, score."""
    boxes = detect(img, purpose)
    if keep is not None:
        boxes = keep(boxes)
    crops = [img[max(0, y0 - 2):y1 + 2, max(0, x0 - 2):x1 + 2] for x0, y0, x1, y1 in boxes]
    return [(box, text, score) for box, (text, score) in zip(boxes, recognise(crops, page))]
