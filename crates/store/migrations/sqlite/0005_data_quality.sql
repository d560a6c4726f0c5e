-- Data-quality flags on a child: the DfE findings on the rows a child's record was imported from,
-- and values careful could not keep, by where they came from ("SSDA903 2025-26"). Replaced each
-- time the same source is imported.
CREATE TABLE data_quality (
    child_id BLOB NOT NULL REFERENCES streams (child_id),
    source TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    -- A DfE rule code, or "not kept".
    rule TEXT NOT NULL,
    message TEXT NOT NULL,
    file TEXT,
    line INTEGER,
    fields TEXT NOT NULL,
    PRIMARY KEY (child_id, source, n)
) STRICT;
