"""The review app: `ecopark review OUT_DIR` serves the review queue on 127.0.0.1 and writes decisions.

- `queue`: the records in review, their order and filters, and the decisions made on them
  (written at once to corrections.csv, the file the Excel path reads too);
- `context`: what a reviewer needs beside a value (its indicator's other rows, the components
  a formula check used, the surrounding rows of its table);
- `server`: the Starlette app (token, pages, JSON actions) and how it is started and stopped.
Templates and the page's script and style ship in this package: the page loads nothing from the network.
"""
