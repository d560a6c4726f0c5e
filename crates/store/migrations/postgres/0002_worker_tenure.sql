-- When a worker joined and left their team (caseloads and reallocations follow staff turnover),
-- and a social worker's Social Work England registration number (the 903 SW_ID).
ALTER TABLE workers ADD COLUMN started_on DATE;
ALTER TABLE workers ADD COLUMN left_on DATE;
ALTER TABLE workers ADD COLUMN registration TEXT;
