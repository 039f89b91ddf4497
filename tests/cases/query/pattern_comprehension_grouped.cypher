// A comprehension may sit next to an aggregate when its outer variables
// are grouping keys; its own variables (e) need not be.
MATCH (p:Person)-[:MEMBER_OF]->(:Institution)
WITH p, count(*) + size([(p)-[:ATTENDED]->(e:Event) WHERE e.name STARTS WITH 'Sec' | e]) AS score
RETURN p.name, score ORDER BY p.name
