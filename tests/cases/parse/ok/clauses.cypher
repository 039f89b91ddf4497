OPTIONAL MATCH (a:Person {name: 'x'})-[r:KNOWS|LIKES*1..3]->(b), p = (c)<--(d)
WHERE a.age > 30 AND NOT b:Robot
WITH DISTINCT a, count(*) AS c ORDER BY c DESC SKIP 1 LIMIT 10 WHERE c > 1
UNWIND [1, 2] AS x
RETURN a.name AS name, x
