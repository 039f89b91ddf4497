// Partial dates sort chronologically, coarser before finer in the same period.
MATCH (e:Event) RETURN e.name AS event, e.date AS date ORDER BY e.date
