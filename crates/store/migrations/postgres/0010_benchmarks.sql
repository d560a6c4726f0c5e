-- Published figures to benchmark the council against (DfE's local-authority tables, imported
-- from files in the explore-education-statistics layout): one measure (careful's indicator
-- code), for one collection year ("2024-25") and one place. Importing a file replaces the rows
-- it brought last time; a figure for the same measure, year and place from another file is
-- replaced by the newer one.
CREATE TABLE benchmark_figures (
    measure TEXT NOT NULL,
    period TEXT NOT NULL,
    -- national, regional or local_authority.
    level TEXT NOT NULL CHECK (level IN ('national', 'regional', 'local_authority')),
    -- E92000001 for England, the region's name, or the authority's GSS code.
    area TEXT NOT NULL,
    area_name TEXT NOT NULL,
    region_name TEXT NOT NULL,
    -- The figure, or NULL when the file gives a symbol instead (c, x, z, low, k, u).
    value DOUBLE PRECISION,
    symbol TEXT,
    source TEXT NOT NULL,
    -- The file it was imported from.
    file TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (measure, period, level, area),
    CHECK ((value IS NULL) <> (symbol IS NULL))
);

CREATE INDEX benchmark_figures_file ON benchmark_figures (file);
