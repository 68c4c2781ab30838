"""Thresholds that decide what a person must look at, shared by the readers and the record builder."""

# An OCR'd cell read with a confidence below this goes to review (OCR_LOW_CONFIDENCE). The OCR
# reader lowers a cell's confidence below it on purpose when a known confusion is possible, and
# caps a safe fix above it; normalize/records.py flags what falls below.
OCR_REVIEW_BELOW = 0.8
