-- When a worker joined and left their team (caseloads and reallocations follow staff turnover),
-- and a social worker's Social Work England registration number (the 903 SW_ID).
ALTER TABLE workers ADD COLUMN started_on TEXT CHECK (started_on IS NULL OR date(started_on) = started_on);
ALTER TABLE workers ADD COLUMN left_on TEXT CHECK (left_on IS NULL OR date(left_on) = left_on);
ALTER TABLE workers ADD COLUMN registration TEXT;
