// People with no membership: a negated pattern predicate anchored on the bound p.
MATCH (p:Person)
WHERE NOT (p)-[:MEMBER_OF]->()
RETURN p.name ORDER BY p.name
