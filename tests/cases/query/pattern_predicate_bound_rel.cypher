// Bound relationships in a predicate must be the same relationship, in
// the written direction: the second predicate reverses it and never holds.
MATCH (p:Person)-[m]->(x)
WHERE (p)-[m:MEMBER_OF]->(x:Institution) AND NOT (x)-[m]->(p)
RETURN p.name, m.role ORDER BY p.name
