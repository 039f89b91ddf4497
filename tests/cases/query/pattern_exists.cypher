// exists((a)-->(b)) is the pattern's truth; exists(n.prop) still tests for null.
MATCH (p:Person)
RETURN p.name, exists((p)-[:MEMBER_OF]->(:Institution)) AS member, exists(p.born) AS has_born
ORDER BY p.name
