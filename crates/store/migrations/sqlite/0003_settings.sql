-- The council's settings, and facts about how this database was made (for example which
-- synthetic council it holds), as keys and values.
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
