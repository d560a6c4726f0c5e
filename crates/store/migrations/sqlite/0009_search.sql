-- Search for people (issue 12): every child, and everyone recorded in a child's life, by name
-- (exact, partial and sounding alike), date of birth, UPN, NHS number and postcode. A
-- projection like `children`: rebuilt for a child in the same transaction as every append to
-- their record, from the record as it stands (corrections applied), so it never disagrees
-- with the log. Kept in step with migrations/postgres/0009_search.sql (a test compares the two
-- schemas).

-- One row for the child (n = 0) and one for each person recorded in their life (n = 1, 2...).
-- `*_norm` is the name as compared (lower case, accents taken off, letters only) and `*_key` its
-- American Soundex code (NULL when the name has no Latin letter); careful-domain's `names`
-- module works both out. Identifiers and postcodes are held on the child's row only: the
-- postcode of their current address and of their current placement.
CREATE TABLE search_people (
    child_id BLOB NOT NULL REFERENCES streams (child_id),
    n INTEGER NOT NULL CHECK (n >= 0),
    person_id BLOB CHECK ((n = 0) = (person_id IS NULL)),
    relationship TEXT CHECK ((n = 0) = (relationship IS NULL)),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_norm TEXT NOT NULL,
    family_norm TEXT NOT NULL,
    given_key TEXT CHECK (given_key IS NULL OR length(given_key) = 4),
    family_key TEXT CHECK (family_key IS NULL OR length(family_key) = 4),
    date_of_birth TEXT CHECK (date_of_birth IS NULL OR date(date_of_birth) = date_of_birth),
    upn TEXT,
    nhs_number TEXT,
    postcode TEXT,
    placement_postcode TEXT,
    PRIMARY KEY (child_id, n)
) STRICT;

-- Each way of searching reads one index. Names: exact and partial matches read the normalised
-- name as a range ('smi' to 'smi' followed by the last Unicode character), sounding alike reads
-- the Soundex code; the second column narrows a search by both names within the index.
CREATE INDEX search_people_by_family ON search_people (family_norm, given_norm, given_key);
CREATE INDEX search_people_by_family_key ON search_people (family_key, given_key, given_norm);
CREATE INDEX search_people_by_given ON search_people (given_norm, family_norm);
CREATE INDEX search_people_by_given_key ON search_people (given_key, family_key);
CREATE INDEX search_people_by_birth ON search_people (date_of_birth);
CREATE INDEX search_people_by_upn ON search_people (upn) WHERE upn IS NOT NULL;
CREATE INDEX search_people_by_nhs_number ON search_people (nhs_number) WHERE nhs_number IS NOT NULL;
CREATE INDEX search_people_by_postcode ON search_people (postcode) WHERE postcode IS NOT NULL;
CREATE INDEX search_people_by_placement_postcode ON search_people (placement_postcode)
    WHERE placement_postcode IS NOT NULL;
