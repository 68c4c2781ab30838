"""Per-file limits: documented defaults, overridable through the environment, errors that name them."""
from ecopark.extract import limits


def test_defaults_are_the_documented_ones(monkeypatch):
    for name in ("ECOPARK_SECONDS_PER_FILE", "ECOPARK_MEMORY_MB", "ECOPARK_TABLE_COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    now = limits.current()
    assert now.seconds_per_file == 120 and now.memory_bytes == 2048 * 1024 * 1024
    assert now.table_columns == 1000
    for field in ("seconds_per_file", "memory_mb", "table_cells", "pages", "part_mb", "render_megapixels"):
        assert f"ECOPARK_{field.upper()}" in limits.__doc__


def test_environment_overrides_and_bad_values_keep_the_default(monkeypatch):
    monkeypatch.setenv("ECOPARK_SECONDS_PER_FILE", "30")
    monkeypatch.setenv("ECOPARK_PAGES", "ten")
    now = limits.current()
    assert now.seconds_per_file == 30.0 and now.pages == limits.Limits().pages


def test_error_names_the_limit(monkeypatch):
    monkeypatch.setenv("ECOPARK_TABLE_COLUMNS", "500")
    err = limits.too_large("a table of 3,000,000 columns", "table_columns")
    assert str(err) == ("too large to read: a table of 3,000,000 columns "
                        "(limit 500 columns, set by ECOPARK_TABLE_COLUMNS)")
    assert "ECOPARK_SECONDS_PER_FILE" in limits.out_of_time()
    assert "ECOPARK_MEMORY_MB" in limits.out_of_memory()
