MERGE (a:A {id: 1}) ON CREATE SET a.created = true ON MATCH SET a.seen = a.seen + 1
CREATE (a)-[:T {w: 0.5}]->(b:B)
SET b.x = 1, b += {y: 2}, b:C:D
REMOVE a.created, b:C
DETACH DELETE a
