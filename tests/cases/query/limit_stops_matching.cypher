// A MATCH followed by a projection with LIMIT (and no ORDER BY, DISTINCT
// or aggregation) stops after SKIP + LIMIT rows that pass its WHERE.
MATCH (n) WHERE n.name STARTS WITH 'P' RETURN n.name AS name SKIP 1 LIMIT 2
