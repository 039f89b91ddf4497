MATCH (a)
RETURN [(a)-[:HOLDS]->(r) WHERE r.title CONTAINS 'Minister']
