MATCH (p:Person), (q)
WHERE NOT (p)-[:HOLDS]->() AND (p)<-[:KNOWS*1..2]-(q:Person {name: 'x'}) OR exists((p)--(q))
RETURN [(p)-[:HOLDS]->(r) | r.title] AS titles,
  [path = (p)-[h:HOLDS]->(r:Role) WHERE r.title CONTAINS 'Minister' | [length(path), h]] AS ministerial,
  size([(p)-->() | 1]) > 0 AS connected, ((p)-->(q)) AS paren, (p) - (q) AS difference, (p) < -(q) AS less
